/**
 * Restarts around a running job, with real processes: Redis restarted (a private redis-server
 * with AOF) and the api restarted. In both the job finishes and is recorded exactly once.
 */
import { randomUUID } from 'node:crypto';
import { listLedger } from '@gpuq/db';
import type { JobRecord } from '@gpuq/job-types';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import { type PrivateRedis, type RunningProcess, runTsEntry, startPrivateRedis } from '@gpuq/testing';
import { afterEach, describe, expect, it } from 'vitest';

let api: ApiHarness | undefined;
let redis: PrivateRedis | undefined;
let worker: RunningProcess | undefined;

afterEach(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await api?.close().catch(() => {});
  await redis?.destroy();
  api = undefined;
  redis = undefined;
  worker = undefined;
});

async function setUp(): Promise<{ api: ApiHarness; token: string; userId: string }> {
  redis = await startPrivateRedis({ appendOnly: true });
  api = await startApi({ REDIS_URL: redis.url, MAX_JOBS_IN_FLIGHT: '50' });
  worker = runTsEntry('src/main.ts', api.workerEnv('sdxl-restarts'));
  await worker.waitFor('worker started', 120_000);
  const userId = randomUUID();
  return { api, token: await api.token(userId), userId };
}

async function runningJob(harness: ApiHarness, token: string): Promise<string> {
  const response = await harness.request('/functions/v1/queue-job', {
    token,
    json: { jobType: 'sdxl_image_high', metadata: { prompt: 'a long exposure', numImages: 6, seed: 9 } },
  });
  const id = ((await response.json()) as { job: { id: string } }).job.id;
  await expect
    .poll(
      async () =>
        ((await (await harness.request(`/v1/jobs/${id}`, { token })).json()) as { job: JobRecord }).job
          .progress,
      {
        timeout: 60_000,
        interval: 50,
      },
    )
    .toBeGreaterThan(0.05);
  return id;
}

async function recordedOnce(harness: ApiHarness, userId: string, id: string, token: string): Promise<void> {
  await expect
    .poll(
      async () =>
        ((await (await harness.request(`/v1/jobs/${id}`, { token })).json()) as { job: JobRecord }).job
          .status,
      {
        timeout: 120_000,
        interval: 250,
      },
    )
    .toBe('completed');
  const { rows } = await harness.services.db.query<{ generations: number; images: number }>(
    `select (select count(*)::int from public.generations where task_id = $1) as generations,
            (select count(*)::int from public.images where task_id = $1) as images`,
    [id],
  );
  expect(rows[0]).toEqual({ generations: 1, images: 6 });
  expect((await listLedger(harness.services.db, { userId, taskId: id })).map((entry) => entry.kind)).toEqual([
    'reservation',
    'settlement',
  ]);
}

describe('restarts while a worker runs a job', () => {
  it('Redis restarted: the job finishes and is recorded once', async () => {
    const { api: harness, token, userId } = await setUp();
    const id = await runningJob(harness, token);
    await redis!.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await redis!.start();
    await recordedOnce(harness, userId, id, token);
  }, 240_000);

  it('api restarted: callbacks retry until it is back, nothing lost', async () => {
    const { api: harness, token, userId } = await setUp();
    const id = await runningJob(harness, token);
    await harness.restart(3_000);
    await recordedOnce(harness, userId, id, token);
    expect(worker!.output()).toMatch(/callback not delivered yet; retrying|job completed/);
  }, 240_000);
});
