/**
 * On a real Redis: a connection ioredis ends without its owner asking connects again, and one its
 * owner closes stays closed. The unasked end is made the way ioredis makes it (endRedisUnasked).
 */
import { endRedisUnasked, TEST_REDIS_URL } from '@gpuq/testing';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedis, type RedisClient, type RedisRole } from './redis-connection.js';

const opened: RedisClient[] = [];

afterEach(() => {
  for (const client of opened.splice(0)) client.disconnect();
});

async function ready(client: RedisClient): Promise<void> {
  client.on('error', () => {});
  opened.push(client);
  if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
}

describe('connections that only their owner ends', () => {
  it('a bare ioredis connection ended that way stays ended (what the guard is for)', async () => {
    const bare = new Redis(TEST_REDIS_URL, { retryStrategy: () => 50 });
    await ready(bare);
    await endRedisUnasked(bare);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(bare.status).toBe('end');
    await expect(bare.ping()).rejects.toThrow('Connection is closed');
  });

  for (const role of ['producer', 'worker'] as RedisRole[])
    it(`a ${role} connection ended without its owner asking connects again and serves commands`, async () => {
      const client = createRedis({ url: TEST_REDIS_URL, role, name: `owned-${role}` });
      const reported: string[] = [];
      client.on('error', (error: Error) => reported.push(error.message));
      await ready(client);
      await endRedisUnasked(client);
      await expect.poll(() => client.status, { timeout: 5_000 }).toBe('ready');
      expect(await client.ping()).toBe('PONG');
      expect(reported).toContain('Redis connection ended without being closed; connecting again in 200 ms');
      // And again: each unasked end is recovered, not only the first.
      await endRedisUnasked(client);
      await expect.poll(() => client.status, { timeout: 5_000 }).toBe('ready');
      expect(await client.ping()).toBe('PONG');
    });

  it('a connection its owner disconnects or quits stays closed', async () => {
    const disconnected = createRedis({ url: TEST_REDIS_URL, role: 'worker', name: 'owned-disconnect' });
    const quit = createRedis({ url: TEST_REDIS_URL, role: 'worker', name: 'owned-quit' });
    await ready(disconnected);
    await ready(quit);
    disconnected.disconnect();
    expect(await quit.quit()).toBe('OK');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect([disconnected.status, quit.status]).toEqual(['end', 'end']);
  });
});
