/**
 * `queueLength` of the queue-job answer (DESIGN.md section 3), read from Redis at most once a
 * second per queue. The field is informative (how busy the fleet is), and a value up to ~1 s old
 * says the same thing while saving a Redis round trip on every request. A failed read answers 0,
 * as before, and is not kept.
 */
import type { QueueName } from '@gpuq/job-types';
import type { JobQueues } from '@gpuq/queue';

export interface QueueLengthCacheOptions {
  queues: JobQueues;
  /** How long one reading is used. Default 1 s. */
  ttlMs?: number;
}

export class QueueLengthCache {
  private readonly readings = new Map<QueueName, { at: number; length: Promise<number> }>();
  private readonly ttlMs: number;

  constructor(private readonly options: QueueLengthCacheOptions) {
    this.ttlMs = options.ttlMs ?? 1_000;
  }

  length(queue: QueueName): Promise<number> {
    const now = Date.now();
    const cached = this.readings.get(queue);
    if (cached && now - cached.at < this.ttlMs) return cached.length;
    const length = this.options.queues.length(queue).catch(() => {
      if (this.readings.get(queue)?.length === length) this.readings.delete(queue);
      return 0;
    });
    this.readings.set(queue, { at: now, length });
    return length;
  }
}
