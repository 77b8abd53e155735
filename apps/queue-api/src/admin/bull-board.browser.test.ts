/**
 * Bull Board as an operator sees it: real headless Chromium, a real HTTP server, real Redis.
 * Skips with a message when no Chromium is installed (scripts/setup.sh installs it).
 */

import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, grantAdmin, migrate, openDatabase } from '@gpuq/db';
import { createLogger } from '@gpuq/logger';
import { createRedis, JobQueues, whenReady } from '@gpuq/queue';
import {
  createTestDatabase,
  freePort,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueQueuePrefix,
} from '@gpuq/testing';
import { type ServerType, serve } from '@hono/node-server';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoJobData } from '../../test/fixtures/video-job-data.js';
import { createApp } from '../app.js';
import { adminRoutes } from './admin-routes.js';
import { adminSessionStore } from './admin-session-store.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`SKIPPED: Bull Board browser test needs Chromium at ${CHROMIUM} (run scripts/setup.sh)`);

describe.skipIf(!hasChromium)('Bull Board in headless Chromium', () => {
  const redis = createRedis({ url: TEST_REDIS_URL, role: 'producer' });
  const queues = new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('board') });
  let server: ServerType;
  let baseUrl: string;
  const taskId = randomUUID();
  const adminId = randomUUID();
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    await whenReady(redis);
    database = await createTestDatabase('board');
    db = await openDatabase({ url: database.url });
    await migrate(db);
    await grantAdmin(db, { userId: adminId });
    const app = createApp({
      logger: createLogger({ name: 'board-test', level: 'silent' }),
      corsOrigins: [],
      bodyLimitBytes: 65_536,
      probes: [],
      routes: [
        adminRoutes(queues, {
          sessions: adminSessionStore({ db, secret: 'session-secret-0123456789abcdef', roleCacheMs: 0 }),
          adminFromBearer: async (token) => (token === 'admin-token' ? adminId : null),
        }),
      ],
    });
    const port = await freePort();
    server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${port}`;
    await queues.enqueue('wan_queue', videoJobData(taskId, 'secret-callback-token'));
  });

  afterAll(async () => {
    server?.close();
    for (const queue of queues.all()) await queue.obliterate({ force: true });
    await queues.close();
    redis.disconnect();
    await db?.close();
    await database?.drop();
  });

  it('signs an admin in and shows both queues and the queued job', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`${baseUrl}/admin/queues`);
      expect(page.url()).toContain('/admin/login');
      await page.fill('#token', 'admin-token');
      await page.click('button[type=submit]');
      await page.waitForURL(/\/admin\/queues/);
      await page.getByText('sdxl_queue').first().waitFor({ timeout: 15_000 });
      await page.getByText('wan_queue').first().waitFor();
      await page.goto(`${baseUrl}/admin/queues/queue/wan_queue?status=waiting`);
      await page.getByText(taskId).first().waitFor({ timeout: 15_000 });
      expect(await page.content()).not.toContain('secret-callback-token');
      await page.getByText('[redacted]').first().waitFor();
      const outDir = join(process.cwd(), 'test-output');
      mkdirSync(outDir, { recursive: true });
      await page.screenshot({ path: join(outDir, 'bull-board.png'), fullPage: true });

      // Signing out revokes the session server-side: even a copy of the old cookie is refused.
      const [session] = await page.context().cookies(`${baseUrl}/admin/queues`);
      expect(session?.name).toBe('gpuq_admin');
      const logout = await page.request.post(`${baseUrl}/admin/logout`, { maxRedirects: 0 });
      expect(logout.status()).toBe(303);
      await page.context().addCookies([session!]);
      await page.goto(`${baseUrl}/admin/queues`);
      expect(page.url()).toContain('/admin/login');
    } finally {
      await browser.close();
    }
  }, 60_000);
});
