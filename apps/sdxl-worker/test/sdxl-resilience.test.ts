/**
 * The SDXL fleet when things go wrong, with real processes: a running job cancelled from the api,
 * a worker killed with SIGKILL mid-job (another finishes it: one generation, one settlement), and
 * SIGTERM during a job (it finishes within the grace period; nothing is lost).
 */
import { randomUUID } from 'node:crypto';
import { getProfile, listLedger } from '@gpuq/db';
import type { JobRecord } from '@gpuq/job-types';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

let api: ApiHarness;
let workers: RunningProcess[] = [];

function startWorker(id: string): RunningProcess {
  // A short lease so a killed worker's job is noticed within seconds, not a minute.
  const worker = runTsEntry('src/main.ts', api.workerEnv(id, { WORKER_LEASE_MS: '2000' }));
  workers.push(worker);
  return worker;
}

const job = async (token: string, id: string) =>
  ((await (await api.request(`/v1/jobs/${id}`, { token })).json()) as { job: JobRecord }).job;

async function queueLongJob(token: string): Promise<string> {
  // Six images of 30 steps each: long enough to interrupt, seconds on the tiny checkpoint.
  const response = await api.request('/functions/v1/queue-job', {
    token,
    json: { jobType: 'sdxl_image_high', metadata: { prompt: 'a slow painting', numImages: 6, seed: 3 } },
  });
  return ((await response.json()) as { job: { id: string } }).job.id;
}

async function whenRunning(token: string, id: string, atLeast = 0.05): Promise<void> {
  await expect
    .poll(async () => (await job(token, id)).progress, { timeout: 60_000, interval: 50 })
    .toBeGreaterThan(atLeast);
}

beforeAll(async () => {
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' });
}, 60_000);

afterEach(() => {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  workers = [];
});

afterAll(async () => {
  await api?.close();
});

describe('sdxl-worker under interruption', () => {
  it('stops a running job on cancel, refunds it, and takes the next job', async () => {
    const worker = startWorker('sdxl-cancel');
    await worker.waitFor('worker started', 120_000);
    const userId = randomUUID();
    const token = await api.token(userId);
    const id = await queueLongJob(token);
    await whenRunning(token, id);
    const cancel = await api.request(`/v1/jobs/${id}/cancel`, { method: 'POST', token });
    expect(cancel.status).toBe(200);
    await worker.waitFor('job cancelled between steps', 30_000);
    expect((await job(token, id)).status).toBe('cancelled');
    expect((await getProfile(api.services.db, userId))?.credits).toBe(100);
    const next = await api.request('/functions/v1/queue-job', {
      token,
      json: { jobType: 'sdxl_image_fast' },
    });
    const nextId = ((await next.json()) as { job: { id: string } }).job.id;
    await expect.poll(async () => (await job(token, nextId)).status, { timeout: 60_000 }).toBe('completed');
  }, 180_000);

  it('finishes a job on another worker after the first is killed mid-job: one generation, one settlement', async () => {
    const first = startWorker('sdxl-doomed');
    await first.waitFor('worker started', 120_000);
    const userId = randomUUID();
    const token = await api.token(userId);
    const id = await queueLongJob(token);
    await whenRunning(token, id);
    first.child.kill('SIGKILL');
    await first.exited();
    const second = startWorker('sdxl-rescuer');
    await second.waitFor('worker started', 120_000);
    await expect
      .poll(async () => (await job(token, id)).status, { timeout: 120_000, interval: 250 })
      .toBe('completed');
    const finished = await job(token, id);
    expect(finished.outputs).toHaveLength(6);
    expect(finished.attempts).toBeGreaterThanOrEqual(2);
    const { rows } = await api.services.db.query<{ generations: number; worker: string }>(
      `select (select count(*)::int from public.generations where task_id = $1) as generations,
              (select worker_id from public.tasks where id = $1) as worker`,
      [id],
    );
    expect(rows[0]).toEqual({ generations: 1, worker: 'sdxl-rescuer' });
    expect((await listLedger(api.services.db, { userId, taskId: id })).map((entry) => entry.kind)).toEqual([
      'reservation',
      'settlement',
    ]);
  }, 240_000);

  it('finishes the running job on SIGTERM and exits 0', async () => {
    const worker = startWorker('sdxl-sigterm');
    await worker.waitFor('worker started', 120_000);
    const token = await api.token(randomUUID());
    const id = await queueLongJob(token);
    await whenRunning(token, id);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
    expect((await job(token, id)).status).toBe('completed');
  }, 180_000);
});
