/**
 * A long task under the Headless worker's heartbeat rhythm: its guardian posts every 20 s naming
 * only the worker (heartbeat_guardian.py 120-136), never the task. The clock is advanced by moving
 * the claims' timestamps back, 20 s per beat, with the reaper at the default
 * TASK_HEARTBEAT_TIMEOUT_S (1800 s) after each beat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStaleTaskReaper } from '../../src/index.js';
import { type Harness, json, PNG_1X1, SERVICE_KEY, startHarness, type TestUser } from '../harness.js';
import { HeadlessWorker } from './headless-worker.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ label: 'headless_heartbeat' });
});
afterAll(async () => {
  await h?.close();
});

async function createImageTask(user: TestUser): Promise<string> {
  const res = await h.post('/functions/v1/create-task', user.jwt, {
    params: { prompt: 'a lighthouse' },
    task_type: 'single_image',
    project_id: user.projectId,
    dependant_on: null,
  });
  expect(res.status).toBe(200);
  return (await json(res)).task_id;
}

/** Every running claim happened `seconds` earlier than the database thinks. */
async function advanceClock(seconds: number): Promise<void> {
  await h.db.query(
    `update public.tasks
     set claimed_at = claimed_at - make_interval(secs => $1),
         heartbeat_at = heartbeat_at - make_interval(secs => $1)
     where status = 'In Progress'`,
    [seconds],
  );
}

async function claimOne(worker: HeadlessWorker, expected: string): Promise<void> {
  const task = await worker.claim();
  expect(task?.task_id).toBe(expected);
}

describe("the Headless worker's heartbeat", () => {
  const reaper = () => startStaleTaskReaper({ db: h.db, logger: h.deps.logger, intervalMs: 3_600_000 });
  /** One reaper pass at the default timeout. */
  const reap = async () => {
    const loop = reaper();
    try {
      return await loop.runOnce();
    } finally {
      await loop.stop();
    }
  };

  it('keeps a 45-minute task claimed while its worker beats, and reaps one whose worker went silent', async () => {
    const live = new HeadlessWorker(h, SERVICE_KEY, 'gpu-live');
    const silent = new HeadlessWorker(h, SERVICE_KEY, 'gpu-silent');
    const longTask = await createImageTask(h.alice);
    const orphan = await createImageTask(h.alice);
    await claimOne(live, longTask);
    await claimOne(silent, orphan);
    await silent.heartbeat();

    const loop = reaper();
    const reapedAt: number[] = [];
    for (let beat = 1; beat <= 135; beat++) {
      await advanceClock(20);
      const answer = await live.heartbeat();
      expect(answer.task_heartbeat).toBe(true);
      const reaped = await loop.runOnce();
      if (reaped.some((task) => task.taskId === orphan)) reapedAt.push(beat * 20);
      expect(reaped.map((task) => task.taskId)).not.toContain(longTask);
    }
    await loop.stop();
    expect((await h.task(longTask)).status).toBe('In Progress');
    expect(reapedAt).toHaveLength(1);
    expect(reapedAt[0]).toBeGreaterThanOrEqual(1800);
    expect(await h.task(orphan)).toMatchObject({ status: 'Queued', requeuedFromWorkerId: 'gpu-silent' });

    // The long task finishes at 45 minutes: its completion is accepted.
    const done = await live.completeInline(longTask, PNG_1X1, 'out.png');
    expect(done.status).toBe(200);
    // The silent worker's output, should it come after all, is not lost either.
    expect((await silent.completeInline(orphan, PNG_1X1, 'out.png')).status).toBe(200);
  });

  it('accepts the late completion of a reaped task nobody re-claimed', async () => {
    const slow = new HeadlessWorker(h, SERVICE_KEY, 'gpu-slow');
    const taskId = await createImageTask(h.alice);
    await claimOne(slow, taskId);
    await advanceClock(1900);
    await reap();
    expect((await h.task(taskId)).status).toBe('Queued');
    // source/db_operations.py 718: the worker counts a completion done on 200.
    const done = await slow.completeInline(taskId, PNG_1X1, 'out.png');
    expect(done.status).toBe(200);
    expect((await h.task(taskId)).status).toBe('Complete');
    expect(await slow.claim()).toBeNull();
  });

  it('refuses a completion naming the reaped worker once another holds the task, naming the holder', async () => {
    const first = new HeadlessWorker(h, SERVICE_KEY, 'gpu-first');
    const second = new HeadlessWorker(h, SERVICE_KEY, 'gpu-second');
    const taskId = await createImageTask(h.alice);
    await claimOne(first, taskId);
    await advanceClock(1900);
    await reap();
    await claimOne(second, taskId);
    const late = await h.post('/functions/v1/complete_task', SERVICE_KEY, {
      task_id: taskId,
      worker_id: 'gpu-first',
      file_data: PNG_1X1.toString('base64'),
      filename: 'out.png',
    });
    expect(late.status).toBe(409);
    expect((await json(late)).error.message).toMatch(/held by worker gpu-second/);
    expect((await h.task(taskId)).status).toBe('In Progress');
    expect((await second.completeInline(taskId, PNG_1X1, 'out.png')).status).toBe(200);
  });

  it("takes a user's tasks-scoped token as the apikey, and keeps only that user's claims", async () => {
    const bobsWorker = new HeadlessWorker(h, h.bob.pat, 'gpu-bob-home');
    const taskId = await createImageTask(h.bob);
    await claimOne(bobsWorker, taskId);
    await advanceClock(1700);
    const answer = await bobsWorker.heartbeat();
    expect(answer).toMatchObject({ success: true, task_heartbeat: true, claims_kept: 1 });
    await advanceClock(200);
    expect((await reap()).map((task) => task.taskId)).not.toContain(taskId);
    expect((await bobsWorker.completeInline(taskId, PNG_1X1, 'out.png')).status).toBe(200);
  });
});
