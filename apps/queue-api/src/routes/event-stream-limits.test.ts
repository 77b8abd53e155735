/**
 * Event stream slots on a real Redis: the cap counts every holder's streams wherever they were
 * opened, a released slot is free at once, and the slot of a stream whose instance died (no
 * renewal) lapses with its lease while a renewed one does not.
 */
import { createLogger } from '@gpuq/logger';
import { createRedis, type RedisClient, whenReady } from '@gpuq/queue';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamSlots } from './event-stream-limits.js';

const LEASE_MS = 300;
let redis: RedisClient;
let prefix: string;
beforeAll(async () => {
  redis = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'stream-slots-test' });
  await whenReady(redis, 5_000);
  prefix = uniqueQueuePrefix('slots');
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** One api instance's view: its own StreamSlots over the shared Redis. */
const instance = () =>
  new StreamSlots({
    redis,
    prefix,
    maxPerHolder: 2,
    leaseMs: LEASE_MS,
    logger: createLogger({ name: 'slots-test', level: 'silent' }),
  });

describe('StreamSlots', () => {
  it('counts a holder over every instance and frees a released slot at once', async () => {
    const [a, b] = [instance(), instance()];
    const first = await a.take('alice');
    const second = await b.take('alice');
    expect(first && second).toBeTruthy();
    expect(await a.take('alice')).toBeNull();
    expect(await b.take('alice')).toBeNull();
    expect(await b.take('bob')).not.toBeNull();
    await first?.release();
    expect(await b.take('alice')).not.toBeNull();
  });

  it('lets the slots of a dead instance lapse with their leases, not renewed ones', async () => {
    const [dead, live] = [instance(), instance()];
    await dead.take('carol');
    const kept = await live.take('carol');
    const renewing = setInterval(() => void kept?.renew(), LEASE_MS / 3);
    try {
      expect(await live.take('carol')).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2));
      // The dead instance's slot lapsed; the renewed one still counts.
      expect(await live.take('carol')).not.toBeNull();
      expect(await live.take('carol')).toBeNull();
    } finally {
      clearInterval(renewing);
    }
  });
});
