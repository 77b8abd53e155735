/**
 * The admin session cookie is a server-side session: signing out revokes it (a copy of the cookie
 * stops working), an expired one is refused, and a demoted admin loses the pages within the role
 * cache time. Bull Board stays closed to everyone else.
 */
import { randomUUID } from 'node:crypto';
import { grantAdmin } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';

const ROLE_CACHE_MS = 300;
let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ ADMIN_ROLE_CACHE_MS: String(ROLE_CACHE_MS) });
});
afterAll(async () => {
  await api?.close();
});

async function newAdmin(): Promise<{ userId: string; jwt: string }> {
  const userId = randomUUID();
  await grantAdmin(api.services.db, { userId });
  return { userId, jwt: await api.token(userId) };
}

/** Signs in through the form, as the browser does; answers the cookie (`name=value`). */
async function signIn(token: string): Promise<string> {
  const response = await api.request('/admin/login', {
    method: 'POST',
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

const board = (cookie: string) =>
  api.request('/admin/queues/api/queues', { headers: { cookie }, redirect: 'manual' });

describe('admin sessions', () => {
  it('signing out revokes the session: a copy of the cookie is refused afterwards', async () => {
    const admin = await newAdmin();
    const cookie = await signIn(admin.jwt);
    expect((await board(cookie)).status).toBe(200);
    const logout = await api.request('/admin/logout', {
      method: 'POST',
      headers: { cookie },
      redirect: 'manual',
    });
    expect(logout.status).toBe(303);
    expect(logout.headers.get('set-cookie')).toMatch(/gpuq_admin=;/);
    const replayed = await board(cookie);
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ error: { code: 'unauthorized' } });
    // Another session of the same admin is untouched.
    expect((await board(await signIn(admin.jwt))).status).toBe(200);
  });

  it('a demoted admin loses the pages within the role cache time', async () => {
    const admin = await newAdmin();
    const cookie = await signIn(admin.jwt);
    expect((await board(cookie)).status).toBe(200);
    await api.services.db.query("update public.profiles set role = 'user' where id = $1", [admin.userId]);
    await new Promise((resolve) => setTimeout(resolve, ROLE_CACHE_MS + 100));
    expect((await board(cookie)).status).toBe(401);
    // Promoted again, the same session works again: the role is read, not remembered.
    await grantAdmin(api.services.db, { userId: admin.userId });
    await new Promise((resolve) => setTimeout(resolve, ROLE_CACHE_MS + 100));
    expect((await board(cookie)).status).toBe(200);
  });

  it('refuses an expired session', async () => {
    const admin = await newAdmin();
    const cookie = await signIn(admin.jwt);
    await api.services.db.query(
      "update public.admin_sessions set expires_at = now() - interval '1 second' where user_id = $1",
      [admin.userId],
    );
    await new Promise((resolve) => setTimeout(resolve, ROLE_CACHE_MS + 100));
    expect((await board(cookie)).status).toBe(401);
  });

  it('refuses a forged cookie and keeps Bull Board closed to non-admins', async () => {
    const admin = await newAdmin();
    const cookie = await signIn(admin.jwt);
    const forged = cookie.replace(/^gpuq_admin=[0-9a-f]{8}/, `gpuq_admin=${randomUUID().slice(0, 8)}`);
    expect((await board(forged)).status).toBe(401);
    const user = await api.token(randomUUID());
    const refused = await api.request('/admin/login', {
      method: 'POST',
      body: new URLSearchParams({ token: user }),
      redirect: 'manual',
    });
    expect(refused.status).toBe(403);
    expect((await api.request('/admin/queues/api/queues', { token: user })).status).toBe(403);
    expect((await api.request('/admin/queues/api/queues')).status).toBe(401);
  });
});
