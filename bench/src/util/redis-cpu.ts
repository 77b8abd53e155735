/**
 * CPU seconds the machine's shared Redis server (TEST_REDIS_URL) has spent since it started, from
 * its own INFO. Both (b) stacks use that server; the idle one only blocks in it, so a window's
 * difference is the running stack's.
 */
import { TEST_REDIS_URL } from '@gpuq/testing';
import { Redis } from 'ioredis';

export async function redisCpuS(url = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('cpu');
    const read = (key: string) => Number(new RegExp(`^${key}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
    return read('used_cpu_sys') + read('used_cpu_user');
  } finally {
    redis.disconnect();
  }
}
