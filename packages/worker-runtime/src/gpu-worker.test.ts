import { randomUUID } from 'node:crypto';
import type { QueueJobData } from '@gpuq/job-types';
import { createLogger } from '@gpuq/logger';
import { createRedis, JobQueues, type RedisClient } from '@gpuq/queue';
import { endRedisUnasked, TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { startGpuWorker } from './gpu-worker.js';

const logger = createLogger({ name: 'worker-test', level: 'silent' });

function data(taskType: 'sdxl_image_fast' | 'video_fast'): QueueJobData {
  return {
    taskId: randomUUID(),
    taskType,
    userId: randomUUID(),
    projectId: randomUUID(),
    generation: null,
    params: {},
    bucket: taskType,
    callbackToken: 't',
    callbackExpiresAt: 2_000_000_000,
  };
}

describe('GPU worker loop on a real Redis', () => {
  const prefix = uniqueQueuePrefix('worker');
  const producer = createRedis({ url: TEST_REDIS_URL, role: 'producer' });
  const queues = new JobQueues({ connection: producer, prefix });

  afterAll(async () => {
    for (const queue of queues.all()) await queue.obliterate({ force: true });
    await queues.close();
    producer.disconnect();
  });

  it('takes only its own queue, reports the result and finishes a running job on close', async () => {
    const seen: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sdxl = startGpuWorker({
      queue: 'sdxl_queue',
      redis: TEST_REDIS_URL,
      prefix,
      workerId: 'sdxl-test',
      logger,
      process: async (job) => {
        seen.push(job.data.taskType);
        await held;
        return { done: job.data.taskId };
      },
    });
    const sdxlJob = data('sdxl_image_fast');
    const wanJob = data('video_fast');
    await queues.enqueue('wan_queue', wanJob);
    await queues.enqueue('sdxl_queue', sdxlJob);
    const active = queues.queue('sdxl_queue');
    await expect
      .poll(async () => (await active.getJob(sdxlJob.taskId))?.processedOn, { timeout: 5_000 })
      .toBeTruthy();

    const closed = sdxl.close(10_000);
    release();
    await closed;
    const finished = await active.getJob(sdxlJob.taskId);
    expect(finished?.returnvalue).toEqual({ done: sdxlJob.taskId });
    expect(seen).toEqual(['sdxl_image_fast']);
    expect(await (await queues.queue('wan_queue').getJob(wanJob.taskId))?.getState()).toBe('waiting');
  });

  it('takes jobs again after ioredis ends its queue and blocking connections by itself', async () => {
    const done: string[] = [];
    const worker = startGpuWorker({
      queue: 'sdxl_queue',
      redis: TEST_REDIS_URL,
      prefix,
      workerId: 'sdxl-ended',
      logger,
      process: async (job) => {
        done.push(job.data.taskId);
        return {};
      },
    });
    try {
      const first = data('sdxl_image_fast');
      await queues.enqueue('sdxl_queue', first);
      await expect.poll(() => done, { timeout: 10_000 }).toContain(first.taskId);
      // Ended the way ioredis ends one on its own: never reconnected by ioredis. The queue connection is ours (createRedis), the blocking one BullMQ's.
      const backend = worker.worker.getBackend();
      const clients = [await backend.client, await backend.blockingClient] as unknown as RedisClient[];
      for (const client of clients) await endRedisUnasked(client);
      const second = data('sdxl_image_fast');
      await queues.enqueue('sdxl_queue', second);
      await expect.poll(() => done, { timeout: 20_000 }).toContain(second.taskId);
    } finally {
      await worker.close(1_000);
    }
  }, 40_000);
});
