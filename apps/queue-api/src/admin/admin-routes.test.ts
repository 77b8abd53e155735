import { randomUUID } from 'node:crypto';
import { type Database, grantAdmin, migrate, openDatabase } from '@gpuq/db';
import { createLogger } from '@gpuq/logger';
import { createRedis, JobQueues, whenReady } from '@gpuq/queue';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase, uniqueQueuePrefix } from '@gpuq/testing';
import type { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { adminRoutes } from './admin-routes.js';
import { adminSessionStore } from './admin-session-store.js';

const logger = createLogger({ name: 'admin-test', level: 'silent' });
const ADMIN_TOKEN = 'admin-access-token';
const USER_TOKEN = 'user-access-token';

describe('operator pages', () => {
  const redis = createRedis({ url: TEST_REDIS_URL, role: 'producer' });
  const queues = new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('admin') });
  const adminId = randomUUID();
  let database: TestDatabase;
  let db: Database;
  let app: Hono;
  const origin = 'http://localhost';
  const basic = `Basic ${Buffer.from('ops:correct horse').toString('base64')}`;

  beforeAll(async () => {
    await whenReady(redis);
    database = await createTestDatabase('admin-routes');
    db = await openDatabase({ url: database.url });
    await migrate(db);
    // Sessions are Postgres rows and the admin role is re-read: the admin is a real profile.
    await grantAdmin(db, { userId: adminId });
    app = createApp({
      logger,
      corsOrigins: ['*'],
      bodyLimitBytes: 65_536,
      probes: [],
      routes: [
        adminRoutes(queues, {
          sessions: adminSessionStore({ db, secret: 'session-secret-0123456789abcdef', roleCacheMs: 0 }),
          basic: { user: 'ops', password: 'correct horse' },
          // Stands in for the auth module's admin check (JWT + profiles.role), tested on its own.
          adminFromBearer: async (token) => (token === ADMIN_TOKEN ? adminId : null),
        }),
      ],
    });
  });
  afterAll(async () => {
    await queues.close();
    redis.disconnect();
    await db?.close();
    await database?.drop();
  });

  it('keeps the page, its assets and its JSON API behind the gate', async () => {
    for (const path of [
      '/admin/queues',
      '/admin/queues/api/queues',
      '/admin/queues/static/images/logo.svg',
    ]) {
      const anonymous = await app.request(path);
      expect(anonymous.status, path).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/Basic/);
    }
  });

  it('lets the basic-auth operator see both queues', async () => {
    const response = await app.request('/admin/queues/api/queues', { headers: { authorization: basic } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { queues: Array<{ name: string }> };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(['sdxl_queue', 'wan_queue']);
  });

  it('answers 403 to a signed-in user who is not an admin', async () => {
    const response = await app.request('/admin/queues/api/queues', {
      headers: { authorization: `Bearer ${USER_TOKEN}` },
    });
    expect(response.status).toBe(403);
  });

  it('trades an admin token for an HttpOnly, SameSite=Strict session cookie', async () => {
    const refused = await app.request('/admin/login', {
      method: 'POST',
      body: new URLSearchParams({ token: USER_TOKEN }),
    });
    expect(refused.status).toBe(403);
    const login = await app.request('/admin/login', {
      method: 'POST',
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
    });
    expect(login.status).toBe(303);
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0]!;
    expect((await app.request('/admin/queues/api/queues', { headers: { cookie: session } })).status).toBe(
      200,
    );
    const forged = session.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A'));
    expect((await app.request('/admin/queues/api/queues', { headers: { cookie: forged } })).status).toBe(401);
  });

  it('refuses state-changing requests from another origin', async () => {
    const crossSite = await app.request('/admin/queues/api/queues/sdxl_queue/clean/completed', {
      method: 'PUT',
      headers: { authorization: basic, origin: 'https://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    const sameSite = await app.request('/admin/queues/api/queues/sdxl_queue/clean/completed', {
      method: 'PUT',
      headers: { authorization: basic, origin },
    });
    expect(sameSite.status).toBeLessThan(300);
  });
});
