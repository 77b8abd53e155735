import { randomUUID } from 'node:crypto';
import { createRedis, JobQueues, whenReady } from '@gpuq/queue';
import { runTsEntry, TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSdxlWorkerSettings } from './env.js';
import { ENGINE_PENDING } from './process-sdxl-job.js';

describe('sdxl-worker process', () => {
  const prefix = uniqueQueuePrefix('sdxl-app');
  const redis = createRedis({ url: TEST_REDIS_URL, role: 'producer' });
  const queues = new JobQueues({ connection: redis, prefix });
  afterAll(async () => {
    for (const queue of queues.all()) await queue.obliterate({ force: true });
    await queues.close();
    redis.disconnect();
  });

  it('refuses to start on a malformed setting, naming it', async () => {
    const worker = runTsEntry('src/main.ts', { REDIS_URL: 'localhost', WORKER_CONCURRENCY: '0' });
    expect(await worker.exited()).toBe(2);
    expect(worker.output()).toMatch(/REDIS_URL[\s\S]*WORKER_CONCURRENCY|WORKER_CONCURRENCY[\s\S]*REDIS_URL/);
  });

  it('takes jobs from sdxl_queue, reports why it cannot run them yet, and exits 0 on SIGTERM', async () => {
    await whenReady(redis);
    const worker = runTsEntry('src/main.ts', {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      WORKER_ID: 'sdxl-proc-test',
    });
    await worker.waitFor('worker started');
    const taskId = randomUUID();
    await queues.enqueue('sdxl_queue', {
      taskId,
      taskType: 'sdxl_image_fast',
      userId: randomUUID(),
      projectId: randomUUID(),
      generation: null,
      params: {},
      bucket: 'sdxl_image_fast',
      callbackToken: 't',
      callbackExpiresAt: 2_000_000_000,
    });
    const queue = queues.queue('sdxl_queue');
    await expect
      .poll(async () => (await queue.getJob(taskId))?.failedReason, { timeout: 10_000 })
      .toBe(ENGINE_PENDING);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  });

  it('defaults every setting it can', () => {
    expect(loadSdxlWorkerSettings({})).toMatchObject({
      WORKER_CONCURRENCY: 1,
      GPUQ_DEVICE: 'auto',
      QUEUE_PREFIX: '{gpuq}',
    });
  });
});
