/**
 * CPU seconds a Redis server has spent since it started, from its own INFO (by default the
 * machine's shared one, TEST_REDIS_URL). Both (b) stacks use that server; the idle one only blocks in it, so a window's
 * difference is the running stack's.
 */
import { TEST_REDIS_URL } from '@gpuq/testing';
import { Redis } from 'ioredis';

/** A number field of Redis's INFO text (0 when absent). */
export function infoNumber(info: string, key: string): number {
  const match = new RegExp(`^${key}:([0-9.]+)`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}

/** The server's CPU seconds (system + user) from its INFO text. */
export function infoCpuS(info: string): number {
  return infoNumber(info, 'used_cpu_sys') + infoNumber(info, 'used_cpu_user');
}

export async function redisCpuS(url = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return infoCpuS(await redis.info('cpu'));
  } finally {
    redis.disconnect();
  }
}
