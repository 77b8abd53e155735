/**
 * `queueLength` of the queue-job answer (jobs waiting in the job's queue), read from Redis at most once a
 * second per queue. The field is informative (how busy the fleet is), and a value up to ~1 s old
 * says the same thing while saving a Redis round trip on every request. lru-cache shares one
 * read among concurrent requests; a failed read answers 0, as before, and is not kept.
 */
import type { QueueName } from '@gpuq/job-types';
import type { JobQueues } from '@gpuq/queue';
import { LRUCache } from 'lru-cache';

export interface QueueLengthCacheOptions {
  queues: JobQueues;
  /** How long one reading is used. Default 1 s. */
  ttlMs?: number;
}

export class QueueLengthCache {
  private readonly readings: LRUCache<QueueName, { length: number }>;

  constructor(options: QueueLengthCacheOptions) {
    this.readings = new LRUCache({
      max: 16,
      ttl: options.ttlMs ?? 1_000,
      fetchMethod: async (queue) => ({ length: await options.queues.length(queue) }),
    });
  }

  async length(queue: QueueName): Promise<number> {
    try {
      return (await this.readings.fetch(queue))?.length ?? 0;
    } catch {
      return 0;
    }
  }
}
