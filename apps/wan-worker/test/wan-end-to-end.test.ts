/**
 * The WAN fleet end to end, all real: queue-job → Redis → this worker process (the 7B enhancer on
 * the generated tiny GGUF, WAN 2.1 on the generated tiny checkpoint) → MP4 + poster or PNG in
 * storage → signed callback → Postgres → the output served back and read by ffprobe.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getProfile } from '@gpuq/db';
import { JOB_CATALOG, type JobRecord, JobType } from '@gpuq/job-types';
import { probeVideo } from '@gpuq/media';
import { describe, expect, it } from 'vitest';
import { useWanStack } from './wan-stack.js';

const stack = useWanStack('wan-e2e');

async function run(jobType: JobType): Promise<{ job: JobRecord; userId: string }> {
  const userId = randomUUID();
  const token = await stack.api.token(userId);
  const response = await stack.api.request('/functions/v1/queue-job', {
    token,
    json: { jobType, metadata: { prompt: 'a fox in the snow', seed: 3 } },
  });
  const id = ((await response.json()) as { job: { id: string } }).job.id;
  const read = async () =>
    ((await (await stack.api.request(`/v1/jobs/${id}`, { token })).json()) as { job: JobRecord }).job;
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
      expect((await getProfile(stack.api.services.db, userId))?.credits).toBe(100 - spec.credits);
      expect(job.enhancedPrompt !== null).toBe(spec.enhancePrompt);
      const main = job.outputs.find((output) => output.kind === spec.output)!;
      const bytes = Buffer.from(await (await fetch(main.url)).arrayBuffer());
      if (spec.output === 'image') {
        expect(bytes.subarray(1, 4).toString()).toBe('PNG');
        expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([48, 32]);
        return;
      }
      expect(job.outputs.map((output) => output.kind).sort()).toEqual(['poster', 'video']);
      const dir = await mkdtemp(join(stack.work, 'video-'));
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
