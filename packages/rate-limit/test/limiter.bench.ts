/**
 * What one rate-limit check costs against the machine's Redis, over TCP (ioredis) and over the
 * Upstash REST protocol (the local fixture, so HTTP overhead without network distance).
 */
import { TEST_REDIS_URL, uniqueSuffix } from '@gpuq/testing';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { RateLimiter } from '../src/rate-limiter.js';
import { IoredisStore } from '../src/store/ioredis-store.js';
import { UpstashStore } from '../src/store/upstash-store.js';
import { startUpstashRestServer, type UpstashRestServer } from '../src/testing/upstash-rest-server.js';

let upstash: UpstashRestServer;
let ioredis: IoredisStore;
const limiters: Record<string, RateLimiter> = {};

beforeAll(async () => {
  upstash = await startUpstashRestServer({ redisUrl: TEST_REDIS_URL, token: 'bench' });
  ioredis = new IoredisStore({ url: TEST_REDIS_URL });
  await ioredis.ready();
  const upstashStore = new UpstashStore({ url: upstash.url, token: 'bench' });
  for (const [name, store] of [
    ['ioredis', ioredis],
    ['upstash', upstashStore],
  ] as const) {
    for (const algorithm of ['fixed-window', 'sliding-window'] as const) {
      limiters[`${name} ${algorithm}`] = new RateLimiter({
        store,
        algorithm,
        limit: 1_000_000,
        windowMs: 5_000,
        prefix: `gpuq-bench:rl:${uniqueSuffix()}`,
      });
    }
  }
});

afterAll(async () => {
  await ioredis?.close();
  await upstash?.close();
});

describe('RateLimiter.hit()', () => {
  for (const name of [
    'ioredis fixed-window',
    'ioredis sliding-window',
    'upstash fixed-window',
    'upstash sliding-window',
  ]) {
    bench(name, async () => {
      await limiters[name]?.hit('bench-user');
    });
  }
});
