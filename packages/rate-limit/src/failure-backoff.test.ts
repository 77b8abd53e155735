/**
 * FailureBackoff on both stores over a real Redis (a private redis-server, and the Upstash REST
 * protocol in front of it): locks after the allowed failures, doubles, caps, forgets on success,
 * and locks nobody while its store is gone.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useBothStores } from '../test/both-stores.js';
import { FailureBackoff } from './failure-backoff.js';
import type { RateLimitStore } from './store/rate-limit-store.js';
import { UpstashStore } from './store/upstash-store.js';

const stores = useBothStores();

describe.each([
  ['ioredis', () => stores.ioredis],
  ['upstash', () => stores.upstash],
] as const)('%s store', (_kind, store: () => RateLimitStore) => {
  it('locks after the allowed failures, doubles each further one up to the cap, forgets on success', async () => {
    const backoff = new FailureBackoff({
      store: store(),
      maxFailures: 3,
      baseLockMs: 10_000,
      maxLockMs: 35_000,
    });
    const key = randomUUID();
    expect(await backoff.lockedFor(key)).toBe(0);
    expect(await backoff.recordFailure(key)).toBe(0);
    expect(await backoff.recordFailure(key)).toBe(0);
    expect(await backoff.lockedFor(key)).toBe(0);
    expect(await backoff.recordFailure(key)).toBe(10_000);
    const locked = await backoff.lockedFor(key);
    expect(locked).toBeGreaterThan(9_000);
    expect(locked).toBeLessThanOrEqual(10_000);
    expect(await backoff.recordFailure(key)).toBe(20_000);
    expect(await backoff.recordFailure(key)).toBe(35_000);
    // Another caller is not affected.
    expect(await backoff.lockedFor(randomUUID())).toBe(0);
    await backoff.forget(key);
    expect(await backoff.lockedFor(key)).toBe(0);
    expect(await backoff.recordFailure(key)).toBe(0);
  });
});

it('locks nobody while its store cannot be reached', async () => {
  const gone = new UpstashStore({ url: 'http://127.0.0.1:9', token: 't' });
  const backoff = new FailureBackoff({ store: gone, maxFailures: 1, baseLockMs: 10_000, timeoutMs: 200 });
  expect(await backoff.recordFailure('k')).toBe(0);
  expect(await backoff.lockedFor('k')).toBe(0);
});
