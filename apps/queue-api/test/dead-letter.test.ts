/** A job that BullMQ gives up on without any report from its worker is failed and refunded. */
import { randomUUID } from 'node:crypto';
import { getProfile } from '@gpuq/db';
import type { QueueJobData } from '@gpuq/job-types';
import { createRedis } from '@gpuq/queue';
import { TEST_REDIS_URL } from '@gpuq/testing';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from './api-harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ JOB_MAX_ATTEMPTS: '1' });
});
afterAll(async () => {
  await api?.close();
});

describe('dead-letter watcher', () => {
  it('fails and refunds the task of a job that died in the queue', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    const response = await api.request('/functions/v1/queue-job', { token, json: { jobType: 'video_fast' } });
    const { job } = (await response.json()) as { job: { id: string } };
    expect((await getProfile(api.services.db, userId))?.credits).toBe(95);
    // A worker that crashes its job without ever reaching the callback service.
    const connection = createRedis({ url: TEST_REDIS_URL, role: 'worker' });
    const crashing = new Worker<QueueJobData>(
      'wan_queue',
      async () => {
        throw new Error('segfault in a native library');
      },
      { connection, prefix: api.env.QUEUE_PREFIX },
    );
    try {
      await expect
        .poll(
          async () =>
            (
              (await (await api.request(`/v1/jobs/${job.id}`, { token })).json()) as {
                job: { status: string };
              }
            ).job.status,
          {
            timeout: 15_000,
          },
        )
        .toBe('failed');
      const record = (
        (await (await api.request(`/v1/jobs/${job.id}`, { token })).json()) as { job: { error: string } }
      ).job;
      expect(record.error).toBe('segfault in a native library');
      expect((await getProfile(api.services.db, userId))?.credits).toBe(100);
    } finally {
      await crashing.close();
      connection.disconnect();
    }
  });
});
