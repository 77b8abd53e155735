import type { QueueName } from '@gpuq/job-types';
import type { JobQueues } from '@gpuq/queue';
import { describe, expect, it } from 'vitest';
import { QueueLengthCache } from './queue-length-cache.js';

/** Just the one method the cache calls, counting its reads. */
function countingQueues(answer: () => Promise<number>): { queues: JobQueues; reads: QueueName[] } {
  const reads: QueueName[] = [];
  const queues = {
    length: (queue: QueueName) => {
      reads.push(queue);
      return answer();
    },
  } as unknown as JobQueues;
  return { queues, reads };
}

describe('QueueLengthCache', () => {
  it('reads each queue once per ttl, sharing one read among concurrent callers', async () => {
    const { queues, reads } = countingQueues(async () => 7);
    const cache = new QueueLengthCache({ queues, ttlMs: 60_000 });
    expect(await Promise.all([1, 2, 3].map(() => cache.length('sdxl_queue')))).toEqual([7, 7, 7]);
    expect(await cache.length('sdxl_queue')).toBe(7);
    expect(await cache.length('wan_queue')).toBe(7);
    expect(reads).toEqual(['sdxl_queue', 'wan_queue']);
  });

  it('answers 0 when Redis fails, and keeps no failed reading', async () => {
    let down = true;
    const { queues, reads } = countingQueues(async () => {
      if (down) throw new Error('connect ECONNREFUSED');
      return 4;
    });
    const cache = new QueueLengthCache({ queues, ttlMs: 60_000 });
    expect(await cache.length('sdxl_queue')).toBe(0);
    down = false;
    expect(await cache.length('sdxl_queue')).toBe(4);
    expect(reads).toHaveLength(2);
  });

  it('reads again once the ttl has passed', async () => {
    let length = 1;
    const { queues } = countingQueues(async () => length);
    const cache = new QueueLengthCache({ queues, ttlMs: 20 });
    expect(await cache.length('sdxl_queue')).toBe(1);
    length = 2;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(await cache.length('sdxl_queue')).toBe(2);
  });
});
