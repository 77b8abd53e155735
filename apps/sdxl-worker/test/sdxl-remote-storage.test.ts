/**
 * The SDXL fleet on a GPU host that does not share the api's disk, all real: the worker process has
 * a GPUQ_DATA_DIR of its own and WORKER_STORAGE=api, so it stores its PNGs through upload URLs from
 * the job-callback service. Were it to write its own disk, the api would find nothing: the images
 * are read back through the api's storage and its signed URLs.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTask, storedOutputs } from '@gpuq/db';
import type { JobRecord } from '@gpuq/job-types';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let api: ApiHarness;
let worker: RunningProcess;
const workerDataDir = mkdtempSync(join(tmpdir(), 'gpuq-sdxl-remote-'));

beforeAll(async () => {
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' });
  worker = runTsEntry(
    'src/main.ts',
    api.workerEnv('sdxl-remote', { GPUQ_DATA_DIR: workerDataDir, WORKER_STORAGE: 'api' }),
  );
  await worker.waitFor('worker started', 120_000);
}, 180_000);

afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await worker?.exited();
  await api?.close();
  rmSync(workerDataDir, { recursive: true, force: true });
});

describe('sdxl-worker without the api disk (WORKER_STORAGE=api)', () => {
  it('stores its images through signed upload URLs; the api serves them', async () => {
    expect(workerDataDir).not.toBe(api.env.GPUQ_DATA_DIR);
    const userId = randomUUID();
    const token = await api.token(userId);
    const queued = await api.request('/functions/v1/queue-job', {
      token,
      json: {
        jobType: 'sdxl_image_fast',
        metadata: { prompt: 'a red fox in the snow', seed: 11, numImages: 2 },
      },
    });
    expect(queued.status).toBe(200);
    const id = ((await queued.json()) as { job: JobRecord }).job.id;
    const job = async () =>
      ((await (await api.request(`/v1/jobs/${id}`, { token })).json()) as { job: JobRecord }).job;
    await expect
      .poll(async () => (await job()).status, { timeout: 90_000, interval: 200 })
      .toMatch(/completed|failed|cancelled/)
      .catch((error: unknown) => {
        throw new Error(`the job did not finish; worker output:\n${worker.output().slice(-3000)}`, {
          cause: error,
        });
      });
    const done = await job();
    expect(done.status, done.error ?? '').toBe('completed');

    const task = (await getTask(api.services.db, { taskId: id }))!;
    const outputs = storedOutputs(task);
    expect(outputs.map((output) => output.path)).toEqual([
      `${userId}/${id}/image-0.png`,
      `${userId}/${id}/image-1.png`,
    ]);
    for (const output of outputs) {
      const object = await api.services.storage.get(output.bucket, output.path);
      const bytes = new Uint8Array(await new Response(object.body).arrayBuffer());
      expect(Buffer.from(bytes.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
    }
    for (const output of done.outputs) {
      const served = await fetch(output.url);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
    }
    // The worker's own folder holds its model and nothing it generated.
    expect(existsSync(join(workerDataDir, 'models'))).toBe(true);
    expect(existsSync(join(workerDataDir, 'storage'))).toBe(false);
  }, 120_000);
});
