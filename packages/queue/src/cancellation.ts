/**
 * Cancelling a running job reaches whichever worker process runs it: the api publishes the job id
 * on one Redis channel per install and every worker listens, aborting the job if it holds it.
 * Waiting jobs need no message: the api removes them from the queue.
 */
import type { RedisClient } from './redis-connection.js';

export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
}

export async function publishCancel(redis: RedisClient, prefix: string, jobId: string): Promise<void> {
  await redis.publish(cancelChannel(prefix), jobId);
}

/** Subscribes `redis` (a connection of its own: subscribers can do nothing else) to cancellations. */
export async function onCancel(
  redis: RedisClient,
  prefix: string,
  handler: (jobId: string) => void,
): Promise<void> {
  const channel = cancelChannel(prefix);
  redis.on('message', (received: string, message: string) => {
    if (received === channel) handler(message);
  });
  await redis.subscribe(channel);
}
