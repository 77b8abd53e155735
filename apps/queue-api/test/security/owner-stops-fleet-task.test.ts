/**
 * An owner who fails (or cancels) their own task while the BullMQ fleet runs it, with a real worker
 * process (the worker runtime with a model the test holds: test/fixtures/held-worker.ts), the real
 * api, Redis and Postgres. The owner is refunded, the running job stops, and no output of it is ever
 * served: not through the task protocol's public bucket, not anywhere.
 */

import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failTask, getProfile, getTask } from '@gpuq/db';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { createSingleImageTask } from './protocol-helpers.js';

let api: ApiHarness;
let worker: RunningProcess;

beforeAll(async () => {
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' });
  worker = runTsEntry('test/fixtures/held-worker.ts', api.workerEnv('held-gpu', { LOG_LEVEL: 'info' }));
  await worker.waitFor('worker started', 60_000);
}, 90_000);

afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await worker?.exited();
  await api?.close();
});

interface Running {
  userId: string;
  token: string;
  taskId: string;
  publicUrl: string;
}

/** A protocol single_image (public bucket), once the fleet's worker has claimed it and runs it. */
async function runningFleetTask(): Promise<Running> {
  const userId = randomUUID();
  const token = await api.token(userId);
  const taskId = await createSingleImageTask(api, token);
  await expect
    .poll(async () => (await getTask(api.services.db, { taskId }))?.claimedBy, { timeout: 30_000 })
    .toBe('bullmq');
  await worker.waitFor(new RegExp(`held model running.*${taskId}|${taskId}.*held model running`), 10_000);
  return {
    userId,
    token,
    taskId,
    publicUrl: `${api.url}/storage/v1/object/public/single_image/${userId}/${taskId}/image-0.png`,
  };
}

/** Lets the held model finish its job (it would have produced image-0.png). */
function release(taskId: string): void {
  const folder = join(api.env.GPUQ_DATA_DIR, 'release');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, taskId), '');
}

async function jobOutcome(taskId: string): Promise<unknown> {
  const queue = api.services.queues.queue('sdxl_queue');
  await expect.poll(async () => (await queue.getJob(taskId))?.finishedOn, { timeout: 30_000 }).toBeTruthy();
  return (await queue.getJob(taskId))?.returnvalue;
}

const credits = async (userId: string) => (await getProfile(api.services.db, userId))!.credits;

describe("an owner's Failed or Cancelled on a task the fleet runs", () => {
  it.each(['Failed', 'Cancelled'] as const)(
    '%s: refunded, the running job is stopped, and its output is never served',
    async (status) => {
      const task = await runningFleetTask();
      const reserved = await credits(task.userId);
      const answer = await api.request('/functions/v1/update-task-status', {
        token: task.token,
        json: { task_id: task.taskId, status, output_location: 'changed my mind' },
      });
      expect(answer.status).toBe(200);
      const cost = (await getTask(api.services.db, { taskId: task.taskId }))!.cost;
      expect(await credits(task.userId)).toBe(reserved + cost);

      // Told through the cancel channel, as /v1/jobs/:id/cancel tells it, it stops between steps. A
      // progress report already on its way when the owner acted is refused (409) and stops it too,
      // and wins when it lands before the model's next step: either way the job stops unfinished.
      const outcome = (await jobOutcome(task.taskId)) as { outcome: string; reason?: string };
      if (outcome.outcome === 'dropped') expect(outcome.reason).toContain(`is already ${status}`);
      else expect(outcome).toEqual({ outcome: 'cancelled' });
      release(task.taskId);
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect((await fetch(task.publicUrl)).status).toBe(404);
      const path = `${task.userId}/${task.taskId}/image-0.png`;
      expect(await api.services.storage.exists('single_image', path)).toBe(false);
      expect((await getTask(api.services.db, { taskId: task.taskId }))!.status).toBe(status);
      expect(await credits(task.userId)).toBe(reserved + cost);
    },
    60_000,
  );

  it('a worker that was not told stops at its next progress report, which is refused (409)', async () => {
    const task = await runningFleetTask();
    // Failed without a word to the fleet (as a travel's cascade or another api instance might).
    await failTask(api.services.db, { taskId: task.taskId, errorMessage: 'stopped elsewhere' });
    expect(await jobOutcome(task.taskId)).toMatchObject({ outcome: 'dropped' });
    await worker.waitFor(/progress refused/, 5_000);
    release(task.taskId);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await fetch(task.publicUrl)).status).toBe(404);
    expect((await getTask(api.services.db, { taskId: task.taskId }))!.status).toBe('Failed');
  }, 60_000);

  it('a task it is not stopped for completes and is served (the held model works)', async () => {
    const task = await runningFleetTask();
    release(task.taskId);
    expect(await jobOutcome(task.taskId)).toMatchObject({ outcome: 'completed' });
    expect((await getTask(api.services.db, { taskId: task.taskId }))!.status).toBe('Complete');
    const served = await fetch(task.publicUrl);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
  }, 60_000);
});
