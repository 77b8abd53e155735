/**
 * The WAN fleet end to end as far as it goes today: queue-job → Redis → this worker process; the
 * 7B enhancer runs for real on the generated tiny GGUF, then generation is refused (the WAN
 * engine is not built yet) and the job lands failed with that reason and its credits refunded.
 */
import { randomUUID } from 'node:crypto';
import { getProfile } from '@gpuq/db';
import type { JobRecord } from '@gpuq/job-types';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAN_ENGINE_PENDING } from '../src/wan-model.js';

let api: ApiHarness;
let worker: RunningProcess;

beforeAll(async () => {
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' });
  worker = runTsEntry('src/main.ts', api.workerEnv('wan-e2e'));
  await worker.waitFor('worker started', 120_000);
}, 180_000);

afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await worker?.exited();
  await api?.close();
});

async function run(jobType: string): Promise<{ job: JobRecord; userId: string }> {
  const userId = randomUUID();
  const token = await api.token(userId);
  const response = await api.request('/functions/v1/queue-job', {
    token,
    json: { jobType, metadata: { prompt: 'a fox in the snow' } },
  });
  const id = ((await response.json()) as { job: { id: string } }).job.id;
  const read = async () =>
    ((await (await api.request(`/v1/jobs/${id}`, { token })).json()) as { job: JobRecord }).job;
  await expect
    .poll(async () => (await read()).status, { timeout: 90_000, interval: 200 })
    .toMatch(/completed|failed/);
  return { job: await read(), userId };
}

describe('wan-worker end to end', () => {
  it('enhances the prompt of a 7B type with the real LLM path, then reports the missing engine and refunds', async () => {
    const { job, userId } = await run('image7b_fast_enhanced');
    expect(worker.output()).toContain('prompt enhanced');
    expect(job).toMatchObject({ status: 'failed', error: WAN_ENGINE_PENDING });
    expect((await getProfile(api.services.db, userId))?.credits).toBe(100);
  }, 120_000);

  it('refuses a plain video job with the same clear reason', async () => {
    const { job, userId } = await run('video_fast');
    expect(job).toMatchObject({ status: 'failed', error: WAN_ENGINE_PENDING });
    expect((await getProfile(api.services.db, userId))?.credits).toBe(100);
  }, 120_000);
});
