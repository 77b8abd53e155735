/**
 * The SDXL fleet end to end, all real: queue-job over HTTP → Redis → this worker process running
 * the native engine on the generated tiny checkpoint → files in storage → signed callback →
 * Postgres (task, images, generation, credits) → the output served back over a signed URL.
 */
import { randomUUID } from 'node:crypto';
import { ensureProfile, getProfile, grantAdmin, listLedger } from '@gpuq/db';
import type { JobRecord } from '@gpuq/job-types';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let api: ApiHarness;
const workers: RunningProcess[] = [];

function startWorker(id: string, extra: Record<string, string> = {}): RunningProcess {
  const worker = runTsEntry('src/main.ts', api.workerEnv(id, extra));
  workers.push(worker);
  return worker;
}

async function queue(token: string, body: unknown): Promise<string> {
  const response = await api.request('/functions/v1/queue-job', { token, json: body });
  expect(response.status).toBe(200);
  return ((await response.json()) as { job: { id: string } }).job.id;
}

async function job(token: string, id: string): Promise<JobRecord> {
  return ((await (await api.request(`/v1/jobs/${id}`, { token })).json()) as { job: JobRecord }).job;
}

async function finished(token: string, id: string, timeout = 90_000): Promise<JobRecord> {
  await expect
    .poll(async () => (await job(token, id)).status, { timeout, interval: 200 })
    .toMatch(/completed|failed|cancelled/);
  return job(token, id);
}

function pngSize(bytes: Uint8Array): { width: number; height: number } {
  expect(Buffer.from(bytes.subarray(0, 8)).toString('hex')).toBe('89504e470d0a1a0a');
  const view = Buffer.from(bytes);
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

beforeAll(async () => {
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' });
  await startWorker('sdxl-e2e-1').waitFor('worker started', 120_000);
}, 180_000);

afterAll(async () => {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await api?.close();
});

describe('sdxl-worker end to end', () => {
  it.each([
    ['sdxl_image_fast', 2],
    ['sdxl_image_high', 1],
  ] as const)(
    '%s: %i PNG(s) stored, recorded, settled and served',
    async (jobType, numImages) => {
      const userId = randomUUID();
      const token = await api.token(userId);
      const id = await queue(token, {
        jobType,
        metadata: { prompt: 'a red fox in the snow', seed: 11, numImages },
      });
      const done = await finished(token, id);
      expect(done.status, done.error ?? '').toBe('completed');
      expect(done.outputs).toHaveLength(numImages);
      for (const output of done.outputs) {
        const response = await fetch(output.url);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/png');
        expect(pngSize(new Uint8Array(await response.arrayBuffer()))).toEqual({ width: 64, height: 64 });
      }
      const { rows } = await api.services.db.query<{ images: number; generations: number }>(
        `select (select count(*)::int from public.images where task_id = $1) as images,
              (select count(*)::int from public.generations where task_id = $1) as generations`,
        [id],
      );
      expect(rows[0]).toEqual({ images: numImages, generations: 1 });
      const cost = jobType === 'sdxl_image_fast' ? numImages : 2 * numImages;
      expect((await getProfile(api.services.db, userId))?.credits).toBe(100 - cost);
      expect((await listLedger(api.services.db, { userId, taskId: id })).map((entry) => entry.kind)).toEqual([
        'reservation',
        'settlement',
      ]);
    },
    120_000,
  );

  it('makes the same image from the same seed', async () => {
    const token = await api.token(randomUUID());
    const body = { jobType: 'sdxl_image_fast', metadata: { prompt: 'a lighthouse', seed: 5 } };
    const [a, b] = [await queue(token, body), await queue(token, body)];
    const bytes = async (id: string) =>
      Buffer.from(await (await fetch((await finished(token, id)).outputs[0]!.url)).arrayBuffer());
    expect((await bytes(a)).equals(await bytes(b))).toBe(true);
  }, 120_000);

  it('runs a task-protocol single_image on the SDXL fleet', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    const projects = (await (
      await api.request('/v1/projects', { token, json: { name: 'protocol' } })
    ).json()) as {
      project: { id: string };
    };
    const created = await api.request('/functions/v1/create-task', {
      token,
      json: {
        task_type: 'single_image',
        project_id: projects.project.id,
        params: { prompt: 'a red fox', seed: 4, width: 512, height: 512 },
      },
    });
    expect(created.status).toBe(200);
    const id = created.headers.get('x-task-id')!;
    expect(await created.json()).toEqual({ task_id: id, status: 'Task queued' });
    const done = await finished(token, id);
    expect(done.status, done.error ?? '').toBe('completed');
    const image = await fetch(done.outputs[0]!.url);
    expect(pngSize(new Uint8Array(await image.arrayBuffer()))).toEqual({ width: 64, height: 64 });
  }, 120_000);

  it('answers an admin image request with the real image once the job completes, free of charge', async () => {
    const adminId = randomUUID();
    await ensureProfile(api.services.db, { userId: adminId, signupCredits: 0 });
    await grantAdmin(api.services.db, { userId: adminId });
    const response = await api.request('/functions/v1/generate-admin-image', {
      token: await api.token(adminId),
      json: { prompt: 'a portrait of the team', mode: 'fast' },
    });
    expect(response.status).toBe(200);
    const { image } = (await response.json()) as { image: { url: string; prompt: string; mode: string } };
    expect(image).toMatchObject({ prompt: 'a portrait of the team', mode: 'fast' });
    expect(pngSize(new Uint8Array(await (await fetch(image.url)).arrayBuffer()))).toEqual({
      width: 64,
      height: 64,
    });
    expect((await getProfile(api.services.db, adminId))?.credits).toBe(0);
  }, 120_000);
});
