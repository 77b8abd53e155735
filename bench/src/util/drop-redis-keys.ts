/**
 * Deletes every key under a stack's queue prefix (its BullMQ queues, and what queue-api keeps
 * under the same prefix) once the stack has stopped, so that runs of the bench leave the shared
 * Redis as they found it: without it every stack left its keys behind (2 286 for a stack of (d),
 * whose jobs no worker takes; completed jobs are kept a day), and the shared Redis had grown to
 * 62 000 keys, 113 MB, after a day of runs.
 */
import { Redis } from 'ioredis';

/** A glob matching `prefix` literally, then anything. */
function keysUnder(prefix: string): string {
  return `${prefix.replace(/[*?[\]\\]/g, (char) => `\\${char}`)}:*`;
}

/** @returns how many keys were deleted. */
export async function dropRedisKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  let dropped = 0;
  try {
    for await (const keys of redis.scanStream({ match: keysUnder(prefix), count: 1_000 })) {
      if ((keys as string[]).length > 0) dropped += await redis.unlink(...(keys as string[]));
    }
  } finally {
    redis.disconnect();
  }
  return dropped;
}
