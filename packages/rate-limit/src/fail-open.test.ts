/**
 * Fail-open: with its Redis stopped (a private redis-server this test starts and stops), the
 * limiter answers promptly, lets every request through, logs one warning rather than one per
 * request, and enforces limits again once Redis is back. Both stores, and an Upstash endpoint
 * that is gone altogether.
 */
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@gpuq/logger';
import { describe, expect, it } from 'vitest';
import { useBothStores } from '../test/both-stores.js';
import { RateLimiter } from './rate-limiter.js';
import type { RateLimitStore } from './store/rate-limit-store.js';
import { UpstashStore } from './store/upstash-store.js';
import { startUpstashRestServer } from './testing/upstash-rest-server.js';

const stores = useBothStores();

function capturingLogger() {
  const lines: Array<{ level: string; msg: string; unlimitedRequests?: number }> = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ name: 'rate-limit-test', destination }), lines };
}

async function untilEnforced(l: RateLimiter, key: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if (!(await l.hit(key)).degraded) return;
    await sleep(100);
  }
  throw new Error('limits were not enforced again after Redis came back');
}

describe.each([
  ['ioredis', () => stores.ioredis],
  ['upstash', () => stores.upstash],
] as const)('%s store with Redis stopped', (kind, store: () => RateLimitStore) => {
  it('lets requests through promptly, warns once, and recovers', async () => {
    const { logger, lines } = capturingLogger();
    const l = new RateLimiter({
      store: store(),
      limit: 2,
      windowMs: 60_000,
      logger,
      timeoutMs: 1_000,
      prefix: kind,
    });
    expect((await l.hit('u')).allowed).toBe(true);
    expect((await l.hit('u')).allowed).toBe(true);
    expect((await l.hit('u')).allowed).toBe(false);

    await stores.redis.stop();
    const started = Date.now();
    const during = await Promise.all(Array.from({ length: 10 }, () => l.hit('u')));
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(during.every((d) => d.allowed && d.degraded)).toBe(true);
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/fail-open/);

    await stores.redis.start();
    await untilEnforced(l, 'u');
    // A fresh Redis (no persistence): the hit that found it back counted 1 of 2.
    expect((await l.hit('u')).allowed).toBe(true);
    expect((await l.hit('u')).allowed).toBe(false);
    expect(lines.some((line) => line.level === 'info' && /reachable again/.test(line.msg))).toBe(true);
  });
});

it('an Upstash endpoint that is gone altogether also fails open', async () => {
  const gone = await startUpstashRestServer({ redisUrl: stores.redis.url, token: 't' });
  const store = new UpstashStore({ url: gone.url, token: 't', timeoutMs: 500 });
  await gone.close();
  const l = new RateLimiter({ store, limit: 1 });
  const decisions = await Promise.all([l.hit('x'), l.hit('x'), l.hit('x')]);
  expect(decisions.every((d) => d.allowed && d.degraded)).toBe(true);
});
