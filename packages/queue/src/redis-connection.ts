/**
 * Redis connections for the two sides of a queue. They differ on purpose:
 * - producers (the API) fail fast: no offline queue and one retry, so a request is answered
 *   promptly (202 or 503) instead of hanging while Redis is down;
 * - workers wait forever (`maxRetriesPerRequest: null`, as BullMQ requires for blocking
 *   commands) and reconnect, so a Redis restart never loses the job they are running.
 */
import { Redis } from 'ioredis';

export type RedisRole = 'producer' | 'worker';

export interface RedisConnectionOptions {
  url: string;
  role: RedisRole;
  /** Shown in `CLIENT LIST`, e.g. `queue-api` or `sdxl-worker:host-1`. */
  name?: string;
}

export function createRedis({ url, role, name }: RedisConnectionOptions): Redis {
  const common = { connectionName: name, lazyConnect: false };
  if (role === 'worker') {
    return new Redis(url, {
      ...common,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      retryStrategy: (times) => Math.min(100 * 2 ** times, 2_000),
    });
  }
  return new Redis(url, {
    ...common,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 2_000,
    commandTimeout: 2_000,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 2_000),
  });
}

/** BullMQ needs `noeviction`: any other policy can silently drop job keys under memory pressure. */
export async function evictionPolicy(redis: Redis): Promise<string> {
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  return reply[1] ?? 'unknown';
}

/** Resolves once the connection is ready; a producer's commands fail until then (no offline queue). */
export async function whenReady(redis: Redis, timeoutMs = 5_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      reject(new Error(`Redis not ready after ${timeoutMs} ms (status ${redis.status})`));
    }, timeoutMs);
    function onReady() {
      clearTimeout(timer);
      resolve();
    }
    redis.once('ready', onReady);
  });
}
