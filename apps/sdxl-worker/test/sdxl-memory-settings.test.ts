/**
 * Precision and memory settings through the real worker process: SDXL_WEIGHT_DTYPE reaches the
 * loader (the logged plan), a bad value or a budget the model cannot fit stops the start with the
 * setting named, and each finished job records its peak memory in the task's result metadata.
 */
import { randomUUID } from 'node:crypto';
import { totalmem } from 'node:os';
import type { JobRecord } from '@gpuq/job-types';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let api: ApiHarness;
const workers: RunningProcess[] = [];

function startWorker(id: string, extra: Record<string, string>): RunningProcess {
  const worker = runTsEntry('src/main.ts', api.workerEnv(id, extra));
  workers.push(worker);
  return worker;
}

beforeAll(async () => {
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' });
}, 120_000);

afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await api?.close();
});

describe('sdxl-worker precision and memory settings', () => {
  it('refuses an unknown SDXL_WEIGHT_DTYPE at start, naming it', async () => {
    const worker = startWorker('sdxl-dtype-bad', { SDXL_WEIGHT_DTYPE: 'int8' });
    expect(await worker.exited()).toBe(2);
    expect(worker.output()).toContain('SDXL_WEIGHT_DTYPE');
  }, 60_000);

  it('refuses to load a model whose plan exceeds GPUQ_MAX_MEMORY, with the numbers', async () => {
    const worker = startWorker('sdxl-budget', { GPUQ_MAX_MEMORY: '1MB' });
    expect(await worker.exited()).not.toBe(0);
    expect(worker.output()).toMatch(/needs [\d.]+ MB on cpu \(weights [\d.]+ MB/);
    expect(worker.output()).toContain('budget is 1.0 MB (GPUQ_MAX_MEMORY)');
    expect(worker.output()).not.toContain('worker started');
  }, 120_000);

  it('loads fp16 weights when asked and reports each job’s peak memory', async () => {
    const worker = startWorker('sdxl-fp16', { SDXL_WEIGHT_DTYPE: 'fp16' });
    await worker.waitFor('worker started', 120_000);
    const planLine = worker
      .output()
      .split('\n')
      .find((line) => line.includes('"SDXL memory plan"'));
    expect(JSON.parse(planLine ?? '{}').memoryPlan?.components).toMatchObject({
      unet: expect.stringMatching(/ fp16$/),
      text_encoder: expect.stringMatching(/ fp16$/),
      text_encoder_2: expect.stringMatching(/ fp16$/),
    });
    const token = await api.token(randomUUID());
    const response = await api.request('/functions/v1/queue-job', {
      token,
      json: { jobType: 'sdxl_image_fast', metadata: { prompt: 'a kite', seed: 3 } },
    });
    const id = ((await response.json()) as { job: { id: string } }).job.id;
    const status = async () =>
      ((await (await api.request(`/v1/jobs/${id}`, { token })).json()) as { job: JobRecord }).job.status;
    await expect.poll(status, { timeout: 90_000, interval: 200 }).toBe('completed');
    const { rows } = await api.services.db.query<{ peak: number | null }>(
      `select (result->'metadata'->>'peakMemoryBytes')::bigint as peak from public.tasks where id = $1`,
      [id],
    );
    const peak = Number(rows[0]?.peak);
    // A Node process with the addon and a model loaded holds tens of MB at least.
    expect(peak).toBeGreaterThan(20_000_000);
    expect(peak).toBeLessThan(totalmem());
  }, 180_000);
});
