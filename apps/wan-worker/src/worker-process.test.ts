import { randomUUID } from 'node:crypto';
import { createRedis, JobQueues, whenReady } from '@gpuq/queue';
import { runTsEntry, TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWanWorkerSettings } from './env.js';
import { ENGINE_PENDING } from './process-wan-job.js';

describe('wan-worker process', () => {
  const prefix = uniqueQueuePrefix('wan-app');
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

  it('takes jobs from wan_queue, reports why it cannot run them yet, and exits 0 on SIGTERM', async () => {
    await whenReady(redis);
    const worker = runTsEntry('src/main.ts', {
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      WORKER_ID: 'wan-proc-test',
    });
    await worker.waitFor('worker started');
    const taskId = randomUUID();
    await queues.enqueue('wan_queue', {
      taskId,
      taskType: 'video_fast',
      userId: randomUUID(),
      projectId: randomUUID(),
      generation: null,
      params: {},
      bucket: 'video_fast',
      callbackToken: 't',
      callbackExpiresAt: 2_000_000_000,
    });
    const queue = queues.queue('wan_queue');
    await expect
      .poll(async () => (await queue.getJob(taskId))?.failedReason, { timeout: 10_000 })
      .toBe(ENGINE_PENDING);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
  });

  it('defaults every setting it can', () => {
    expect(loadWanWorkerSettings({})).toMatchObject({
      WORKER_CONCURRENCY: 1,
      GPUQ_DEVICE: 'auto',
      QUEUE_PREFIX: '{gpuq}',
    });
  });
});
