/**
 * Guessing the /admin basic-auth password is throttled per client address: after a few failures
 * the address waits (429 with Retry-After), each further failure doubles the wait, a success
 * forgets the failures, and an operator's successful requests are never throttled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';

const MAX_FAILURES = 3;
let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({
    GPUQ_ADMIN_USER: 'ops',
    GPUQ_ADMIN_PASSWORD: 'correct horse battery',
    ADMIN_AUTH_MAX_FAILURES: String(MAX_FAILURES),
    ADMIN_AUTH_BACKOFF_S: '2',
  });
});
afterAll(async () => {
  await api?.close();
});

const basic = (password: string) => `Basic ${Buffer.from(`ops:${password}`).toString('base64')}`;
const attempt = (password: string) =>
  api.request('/admin/queues/api/queues', { headers: { authorization: basic(password) } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('admin basic-auth throttling', () => {
  it('never throttles an operator who signs in correctly', async () => {
    for (let i = 0; i < 30; i += 1) expect((await attempt('correct horse battery')).status).toBe(200);
  });

  it('locks an address out after failures, with a wait that doubles, and forgets after a success', async () => {
    for (let i = 1; i < MAX_FAILURES; i += 1) expect((await attempt(`guess ${i}`)).status).toBe(401);
    const locked = await attempt('guess 3');
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('2');
    expect(await locked.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringMatching(/too many failed admin sign-ins/) },
    });
    // While locked, not even the right password is checked: the lock must slow guessing.
    expect((await attempt('correct horse battery')).status).toBe(429);

    await sleep(2100);
    const again = await attempt('guess 4');
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('4');
    await sleep(4100);

    // A success forgets the failures: the next mistake is a plain 401 again.
    expect((await attempt('correct horse battery')).status).toBe(200);
    expect((await attempt('typo')).status).toBe(401);
    expect((await attempt('correct horse battery')).status).toBe(200);
  });
});
