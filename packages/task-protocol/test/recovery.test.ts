/**
 * Heartbeats and recovery of HTTP claims: a worker that dies after claiming loses the task after
 * the (shortened) timeout, another worker completes it once; a heartbeat keeps a claim alive;
 * past the maximum attempts the task fails and is refunded. The dispatcher re-enqueues what the
 * reaper requeued and the dependants of tasks completed elsewhere.
 */
import { randomUUID } from 'node:crypto';
import { completeTask, type Task } from '@gpuq/db';
import { createLogger } from '@gpuq/logger';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startDependencyDispatcher,
  startStaleTaskReaper,
  startTaskProtocolBackground,
} from '../src/index.js';
import { type Harness, json, PNG_1X1, SERVICE_KEY, startHarness } from './harness.js';

let h: Harness;
const logger = createLogger({ name: 'recovery-test', level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  h = await startHarness({ label: 'recovery' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.db.query('delete from public.tasks');
});

async function create(dependantOn: string[] = []): Promise<string> {
  const taskId = randomUUID();
  const res = await h.post('/functions/v1/create-task', SERVICE_KEY, {
    task_id: taskId,
    params: { prompt: 'a lantern' },
    task_type: 'single_image',
    project_id: h.alice.projectId,
    dependant_on: dependantOn,
  });
  expect(res.status).toBe(200);
  return taskId;
}

const claim = async (workerId: string) =>
  json(await h.post('/functions/v1/claim-next-task', SERVICE_KEY, { worker_id: workerId, run_type: 'gpu' }));

describe('stale HTTP claims', () => {
  it('requeues the task of a worker that died after claiming; another worker completes it once', async () => {
    const taskId = await create();
    const reaper = startStaleTaskReaper({
      db: h.db,
      logger,
      intervalMs: 60_000,
      timeoutSeconds: 1,
      maxAttempts: 3,
    });
    try {
      expect((await claim('doomed')).task_id).toBe(taskId);
      expect(await reaper.runOnce()).toEqual([]);
      await sleep(1_200);
      expect(await reaper.runOnce()).toEqual([{ taskId, status: 'Queued', attempts: 1 }]);
      expect(await h.task(taskId)).toMatchObject({
        status: 'Queued',
        workerId: null,
        claimedBy: null,
        attempts: 1,
      });

      expect((await claim('survivor')).task_id).toBe(taskId);
      const done = await h.post('/functions/v1/complete-task', SERVICE_KEY, {
        task_id: taskId,
        file_data: PNG_1X1.toString('base64'),
        filename: 'lantern.png',
      });
      expect(done.status).toBe(200);
      // The dead worker's late report changes nothing (the task is Complete already).
      await h.post('/functions/v1/complete-task', SERVICE_KEY, {
        task_id: taskId,
        output_location: 'https://x.example/late.png',
      });
      expect(await h.task(taskId)).toMatchObject({ status: 'Complete', workerId: 'survivor', attempts: 1 });
      const { rows } = await h.db.query(
        `select (select count(*)::int from public.generations where task_id = $1) as generations,
                (select count(*)::int from public.credit_ledger where task_id = $1 and kind = 'settlement') as settlements`,
        [taskId],
      );
      expect(rows[0]).toEqual({ generations: 1, settlements: 1 });
    } finally {
      await reaper.stop();
    }
  });

  it('keeps a claim alive while its worker heartbeats (rpc and update-task-status)', async () => {
    const taskId = await create();
    await claim('steady');
    for (let i = 0; i < 3; i += 1) {
      await sleep(450);
      const beat =
        i % 2
          ? await h.post('/functions/v1/update-task-status', SERVICE_KEY, {
              task_id: taskId,
              status: 'In Progress',
            })
          : await h.post('/rest/v1/rpc/func_worker_heartbeat_with_logs', SERVICE_KEY, {
              worker_id_param: 'steady',
              current_task_id_param: taskId,
            });
      expect(beat.status).toBe(200);
    }
    const reaper = startStaleTaskReaper({ db: h.db, logger, timeoutSeconds: 1 });
    expect(await reaper.runOnce()).toEqual([]);
    await reaper.stop();
    expect((await h.task(taskId)).status).toBe('In Progress');
  });

  it('fails and refunds a task at the maximum attempts', async () => {
    const taskId = await create();
    const before = await h.credits(h.alice.userId);
    const reaper = startStaleTaskReaper({ db: h.db, logger, timeoutSeconds: 1, maxAttempts: 2 });
    try {
      await claim('dies-1');
      await sleep(1_100);
      expect(await reaper.runOnce()).toEqual([{ taskId, status: 'Queued', attempts: 1 }]);
      await claim('dies-2');
      await sleep(1_100);
      expect(await reaper.runOnce()).toEqual([{ taskId, status: 'Failed', attempts: 2 }]);
      expect((await h.task(taskId)).errorMessage).toMatch(/no heartbeat/);
      expect(await h.credits(h.alice.userId)).toBe(before + 1);
    } finally {
      await reaper.stop();
    }
  });
});

describe('dependency dispatcher', () => {
  it('enqueues the dependants of a task completed outside this package, and requeued claims', async () => {
    const enqueued: string[] = [];
    const parent = await create();
    const child = await create([parent]);
    const dispatcher = await startDependencyDispatcher({
      db: h.db,
      logger,
      sweepMs: 60_000,
      enqueue: async (task: Task) => {
        enqueued.push(task.id);
      },
    });
    try {
      // The start-up sweep finds the parent; the child waits.
      expect(enqueued).toEqual([parent]);
      await claim('bullmq-like');
      // A BullMQ callback completes through the data layer, not through these routes.
      await completeTask(h.db, { taskId: parent, outputLocation: 'https://cdn.example.com/p.png' });
      for (let i = 0; i < 50 && enqueued.length < 2; i += 1) await sleep(20);
      expect(enqueued).toEqual([parent, child]);
    } finally {
      await dispatcher.stop();
    }
  });
});

describe('startTaskProtocolBackground', () => {
  it('runs the reaper on the protocol settings (TASK_HEARTBEAT_TIMEOUT_S) without being asked', async () => {
    const taskId = await create();
    const background = await startTaskProtocolBackground({
      db: h.db,
      logger,
      settings: { heartbeatTimeoutSeconds: 1, maxAttempts: 3 },
      reaperIntervalMs: 200,
    });
    try {
      await claim('silent');
      for (let i = 0; i < 40 && (await h.task(taskId)).status !== 'Queued'; i += 1) await sleep(100);
      expect(await h.task(taskId)).toMatchObject({ status: 'Queued', attempts: 1 });
    } finally {
      await background.stop();
    }
  });
});
