/**
 * The WAN fleet end to end, all real: queue-job → Redis → this worker process (the 7B enhancer on
 * the generated tiny GGUF, WAN 2.1 on the generated tiny checkpoint) → MP4 + poster or PNG in
 * storage → signed callback → Postgres → the output served back and read by ffprobe.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProfile } from '@gpuq/db';
import { JOB_CATALOG, type JobRecord, JobType } from '@gpuq/job-types';
import { probeVideo } from '@gpuq/media';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let api: ApiHarness;
let worker: RunningProcess;

beforeAll(async () => {
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' });
  worker = runTsEntry('src/main.ts', api.workerEnv('wan-e2e'));
  await worker.waitFor('worker started', 180_000);
}, 240_000);

afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await worker?.exited();
  await api?.close();
});

async function run(jobType: JobType): Promise<{ job: JobRecord; userId: string }> {
  const userId = randomUUID();
  const token = await api.token(userId);
  const response = await api.request('/functions/v1/queue-job', {
    token,
    json: { jobType, metadata: { prompt: 'a fox in the snow', seed: 3 } },
  });
  const id = ((await response.json()) as { job: { id: string } }).job.id;
  const read = async () =>
    ((await (await api.request(`/v1/jobs/${id}`, { token })).json()) as { job: JobRecord }).job;
  await expect
    .poll(async () => (await read()).status, { timeout: 120_000, interval: 250 })
    .toMatch(/completed|failed/);
  return { job: await read(), userId };
}

const WAN_TYPES = JobType.options.filter((type) => JOB_CATALOG[type].family === 'wan');

describe('wan-worker end to end', () => {
  it.each(WAN_TYPES)(
    '%s: output stored, recorded, settled and served',
    async (jobType) => {
      const spec = JOB_CATALOG[jobType];
      const { job, userId } = await run(jobType);
      expect(job.status, job.error ?? '').toBe('completed');
      expect((await getProfile(api.services.db, userId))?.credits).toBe(100 - spec.credits);
      expect(job.enhancedPrompt !== null).toBe(spec.enhancePrompt);
      const main = job.outputs.find((output) => output.kind === spec.output)!;
      const bytes = Buffer.from(await (await fetch(main.url)).arrayBuffer());
      if (spec.output === 'image') {
        expect(bytes.subarray(1, 4).toString()).toBe('PNG');
        expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([48, 32]);
        return;
      }
      expect(job.outputs.map((output) => output.kind).sort()).toEqual(['poster', 'video']);
      const dir = await mkdtemp(join(tmpdir(), 'gpuq-wan-test-'));
      try {
        const path = join(dir, 'out.mp4');
        await writeFile(path, bytes);
        const probe = await probeVideo(path, { countFrames: true });
        expect(probe).toMatchObject({
          codec: 'h264',
          pixFmt: 'yuv420p',
          width: 48,
          height: 32,
          frameCount: 9,
          faststart: true,
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
