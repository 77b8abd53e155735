/**
 * The limiter over both stores, against real Redis: the machine's for the limits, and the Upstash
 * REST fixture over that same Redis for the HTTP path. The same scenarios run on each store, and
 * one scenario runs on both side by side to show they answer identically.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_REDIS_URL, uniqueSuffix } from '@gpuq/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimitConfigError } from './errors/rate-limit-config-error.js';
import { RateLimitedError } from './errors/rate-limited-error.js';
import type { RateLimitDecision } from './rate-limit-decision.js';
import { type RateLimitAlgorithm, RateLimiter } from './rate-limiter.js';
import { createRateLimitStore } from './store/create-store.js';
import { IoredisStore } from './store/ioredis-store.js';
import type { RateLimitStore } from './store/rate-limit-store.js';
import { UpstashStore } from './store/upstash-store.js';
import { startUpstashRestServer, type UpstashRestServer } from './testing/upstash-rest-server.js';

const prefix = `gpuq-test:rl:${uniqueSuffix()}`;
let upstash: UpstashRestServer;
const stores: Record<'ioredis' | 'upstash', RateLimitStore> = {} as never;
const direct = new Redis(TEST_REDIS_URL, { lazyConnect: true });

beforeAll(async () => {
  upstash = await startUpstashRestServer({ redisUrl: TEST_REDIS_URL, token: 'limiter-token' });
  const ioredis = new IoredisStore({ url: TEST_REDIS_URL });
  await ioredis.ready();
  stores.ioredis = ioredis;
  stores.upstash = createRateLimitStore({ upstashUrl: upstash.url, upstashToken: upstash.token });
  await direct.connect();
});

afterAll(async () => {
  const keys = await direct.keys(`${prefix}*`);
  if (keys.length > 0) await direct.del(...keys);
  await direct.quit();
  await stores.ioredis?.close();
  await upstash?.close();
});

/** A clock that starts at the beginning of a window, so sliding-window scenarios are exact. */
function windowClock(windowMs: number) {
  let now = (Math.floor(Date.now() / windowMs) + 1) * windowMs;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function limiter(
  store: RateLimitStore,
  algorithm: RateLimitAlgorithm,
  limit: number,
  windowMs: number,
  now?: () => number,
) {
  return new RateLimiter({
    store,
    limit,
    windowMs,
    algorithm,
    prefix: `${prefix}:${uniqueSuffix()}`,
    timeoutMs: 2_000,
    ...(now ? { now } : {}),
  });
}

async function hits(l: RateLimiter, key: string, n: number): Promise<RateLimitDecision[]> {
  const out: RateLimitDecision[] = [];
  for (let i = 0; i < n; i += 1) out.push(await l.hit(key));
  return out;
}

describe.each(['ioredis', 'upstash'] as const)('%s store', (kind) => {
  it.each(['fixed-window', 'sliding-window'] as const)(
    '%s: enforces the limit per user',
    async (algorithm) => {
      const l = limiter(stores[kind], algorithm, 3, 60_000);
      const alice = await hits(l, 'alice', 4);
      expect(alice.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(alice.map((d) => d.remaining)).toEqual([2, 1, 0, 0]);
      expect(alice.every((d) => !d.degraded)).toBe(true);
      expect(alice[3]?.retryAfterMs).toBeGreaterThan(0);
      expect(alice[3]?.retryAfterMs).toBeLessThanOrEqual(60_001);
      expect((await l.hit('bob')).allowed).toBe(true);
      await expect(l.enforce('alice')).rejects.toBeInstanceOf(RateLimitedError);
    },
  );

  it('fixed-window: the window resets after its length, and Retry-After says when', async () => {
    const l = limiter(stores[kind], 'fixed-window', 2, 400);
    const [, , refused] = await hits(l, 'carol', 3);
    expect(refused?.allowed).toBe(false);
    expect(refused?.retryAfterMs).toBeGreaterThan(0);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(400);
    await sleep((refused?.retryAfterMs ?? 400) + 50);
    expect((await l.hit('carol')).allowed).toBe(true);
  });

  it('sliding-window: the previous window weighs in, and Retry-After is exact', async () => {
    const clock = windowClock(1_000);
    const l = limiter(stores[kind], 'sliding-window', 4, 1_000, clock.now);
    expect((await hits(l, 'dave', 5)).map((d) => d.allowed)).toEqual([true, true, true, true, false]);
    clock.advance(1_000); // next window: all 4 of the last window still count at its very start
    const start = await l.hit('dave');
    expect(start).toMatchObject({ allowed: false, retryAfterMs: 1 });
    clock.advance(100); // 4 × 0.9 = 3.6 < 4: one more fits
    expect((await l.hit('dave')).allowed).toBe(true);
    const refused = await l.hit('dave'); // 3.6 + 1 ≥ 4 until 4 × (1 − t) < 3, t > 250 ms
    expect(refused).toMatchObject({ allowed: false, retryAfterMs: 151 });
    clock.advance(151);
    expect((await l.hit('dave')).allowed).toBe(true);
  });

  it('a real window passes: sliding counts drain over time', async () => {
    const l = limiter(stores[kind], 'sliding-window', 2, 300);
    await sleep(300 - (Date.now() % 300) + 5); // start at a window's beginning, so the burst shares it
    await hits(l, 'erin', 2);
    expect((await l.hit('erin')).allowed).toBe(false);
    await sleep(650); // two windows later nothing of the burst remains
    expect((await hits(l, 'erin', 2)).map((d) => d.allowed)).toEqual([true, true]);
  });
});

it('both stores answer the same sequence identically', async () => {
  const script: Array<[string, number]> = [
    ['u1', 0],
    ['u1', 10],
    ['u2', 0],
    ['u1', 200],
    ['u1', 0],
    ['u1', 0],
    ['u2', 500],
    ['u1', 400],
    ['u1', 0],
    ['u1', 0],
    ['u2', 0],
    ['u1', 900],
    ['u1', 0],
    ['u2', 2_000],
    ['u1', 0],
  ];
  const run = async (store: RateLimitStore) => {
    const clock = windowClock(1_000);
    const l = limiter(store, 'sliding-window', 3, 1_000, clock.now);
    const out: RateLimitDecision[] = [];
    for (const [user, advance] of script) {
      clock.advance(advance);
      out.push(await l.hit(user));
    }
    return out;
  };
  const [viaRedis, viaUpstash] = await Promise.all([run(stores.ioredis), run(stores.upstash)]);
  expect(viaUpstash).toEqual(viaRedis);
  expect(viaRedis.some((d) => !d.allowed)).toBe(true);

  const fixed = async (store: RateLimitStore) =>
    (await hits(limiter(store, 'fixed-window', 2, 60_000), 'u', 4)).map(({ allowed, remaining }) => ({
      allowed,
      remaining,
    }));
  expect(await fixed(stores.upstash)).toEqual(await fixed(stores.ioredis));
});

it('createRateLimitStore picks Upstash only with both settings, and refuses half of them', async () => {
  expect(createRateLimitStore({ upstashUrl: upstash.url, upstashToken: 't' })).toBeInstanceOf(UpstashStore);
  const viaUrl = createRateLimitStore({ redisUrl: TEST_REDIS_URL, upstashUrl: undefined });
  expect(viaUrl).toBeInstanceOf(IoredisStore);
  await viaUrl.close();
  expect(() => createRateLimitStore({ redisUrl: TEST_REDIS_URL, upstashUrl: upstash.url })).toThrow(
    RateLimitConfigError,
  );
  expect(() => createRateLimitStore({ upstashToken: 't' })).toThrow(/go together/);
});
