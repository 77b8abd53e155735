/**
 * Workers' side of tasks, written once and run on every engine: the BullMQ claim and its fence,
 * heartbeats and the stale-claim reaper, the protocol's queries, paging, queue position and the
 * status broadcast.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  claimNextTask,
  claimTask,
  completeTask,
  countTasks,
  createTask,
  type Database,
  getCompletedSegments,
  getProfile,
  heartbeatTask,
  InvalidTransitionError,
  listenTaskStatus,
  listTasks,
  queuePosition,
  requeueStaleTasks,
  StaleAttemptError,
  TaskClaimedElsewhereError,
  TaskNotFoundError,
  type TaskStatusEvent,
  workerHeartbeat,
} from '../../src/index.js';
import { newUser } from './databases.js';

async function credits(db: Database, userId: string): Promise<number> {
  return (await getProfile(db, userId))?.credits ?? Number.NaN;
}

export function defineWorkerScenarios(engine: string, getDb: () => Database): void {
  describe(`workers and queries on ${engine}`, () => {
    it('claims by id for BullMQ, fences attempts and yields to an HTTP claim', async () => {
      const db = getDb();
      const user = await newUser(db);
      const { task } = await createTask(db, { ...user, taskType: 'sdxl_image_fast' });
      const claimed = await claimTask(db, { taskId: task.id, workerId: 'sdxl-1', attempt: 1 });
      expect(claimed).toMatchObject({ status: 'In Progress', claimedBy: 'bullmq', bullmqAttempt: 1 });
      expect((await claimTask(db, { taskId: task.id, workerId: 'sdxl-1', attempt: 1 })).claimedAt).toEqual(
        claimed.claimedAt,
      );
      const retried = await claimTask(db, { taskId: task.id, workerId: 'sdxl-2', attempt: 2 });
      expect(retried).toMatchObject({ workerId: 'sdxl-2', bullmqAttempt: 2 });
      await expect(claimTask(db, { taskId: task.id, workerId: 'sdxl-1', attempt: 1 })).rejects.toBeInstanceOf(
        StaleAttemptError,
      );
      await expect(completeTask(db, { taskId: task.id, attempt: 1 })).rejects.toBeInstanceOf(
        StaleAttemptError,
      );
      expect((await completeTask(db, { taskId: task.id, attempt: 2 })).status).toBe('Complete');
      await expect(claimTask(db, { taskId: task.id, workerId: 'sdxl-2', attempt: 3 })).rejects.toBeInstanceOf(
        InvalidTransitionError,
      );

      const protocol = (await createTask(db, { ...user, taskType: 'single_image' })).task;
      await claimNextTask(db, { userId: user.userId, workerId: 'headless-1', registerWorker: true });
      await expect(claimTask(db, { taskId: protocol.id, workerId: 'sdxl-1' })).rejects.toBeInstanceOf(
        TaskClaimedElsewhereError,
      );
      await expect(completeTask(db, { taskId: protocol.id, attempt: 1 })).rejects.toBeInstanceOf(
        TaskClaimedElsewhereError,
      );
      expect((await completeTask(db, { taskId: protocol.id, outputLocation: 'h.png' })).status).toBe(
        'Complete',
      );
      await expect(claimTask(db, { taskId: randomUUID(), workerId: 'sdxl-1' })).rejects.toBeInstanceOf(
        TaskNotFoundError,
      );
    });

    it('requeues silent HTTP claims, fails them at the attempt limit, leaves BullMQ claims alone', async () => {
      const db = getDb();
      const user = await newUser(db, 10);
      const http = (await createTask(db, { ...user, taskType: 'single_image' })).task;
      const bull = (await createTask(db, { ...user, taskType: 'sdxl_image_fast' })).task;
      await claimTask(db, { taskId: bull.id, workerId: 'sdxl-r' });
      const silence = async () =>
        db.query(
          "update public.tasks set heartbeat_at = now() - interval '1 hour', claimed_at = now() - interval '1 hour' where user_id = $1",
          [user.userId],
        );
      const reaped = () =>
        requeueStaleTasks(db, { timeoutSeconds: 600, maxAttempts: 2 }).then((rows) =>
          rows.filter((row) => row.taskId === http.id || row.taskId === bull.id),
        );

      await claimNextTask(db, { userId: user.userId, workerId: 'headless-r', registerWorker: true });
      expect(await heartbeatTask(db, { taskId: http.id, workerId: 'headless-r' })).toBe(true);
      await silence();
      expect(await reaped()).toEqual([{ taskId: http.id, status: 'Queued', attempts: 1 }]);
      expect(await heartbeatTask(db, { taskId: http.id })).toBe(false);

      await claimNextTask(db, { userId: user.userId, workerId: 'headless-r', registerWorker: true });
      await silence();
      expect(await reaped()).toEqual([{ taskId: http.id, status: 'Failed', attempts: 2 }]);
      expect(await credits(db, user.userId)).toBe(9);
      expect(
        (await listTasks(db, { userId: user.userId, status: 'In Progress' })).tasks.map((t) => t.id),
      ).toEqual([bull.id]);
    });

    it('answers worker heartbeats and heartbeats the current task', async () => {
      const db = getDb();
      const user = await newUser(db);
      const { task } = await createTask(db, { ...user, taskType: 'single_image' });
      await claimNextTask(db, { userId: user.userId, workerId: 'headless-hb', registerWorker: true });
      const answer = await workerHeartbeat(db, {
        workerId: 'headless-hb',
        vramTotalMb: 24_000,
        logs: [{ msg: 'a' }, { msg: 'b' }],
        currentTaskId: task.id,
      });
      expect(answer).toEqual({
        success: true,
        worker_id: 'headless-hb',
        task_heartbeat: true,
        claims_kept: 1,
        logs_received: 2,
      });
    });

    it("lists an orchestrator run's completed segments in order", async () => {
      const db = getDb();
      const user = await newUser(db, 100);
      const runId = `run-${randomUUID()}`;
      const segments = [];
      for (const index of [0, 1, 2]) {
        segments.push(
          (
            await createTask(db, {
              ...user,
              taskType: 'travel_segment',
              params: { orchestrator_run_id: runId, segment_index: index },
            })
          ).task,
        );
      }
      await completeTask(db, { taskId: segments[2]!.id, outputLocation: 's2.mp4' });
      await completeTask(db, { taskId: segments[0]!.id, outputLocation: 's0.mp4' });
      expect(await getCompletedSegments(db, { runId, userId: user.userId })).toEqual([
        { segmentIndex: 0, outputLocation: 's0.mp4' },
        { segmentIndex: 2, outputLocation: 's2.mp4' },
      ]);
      expect(await getCompletedSegments(db, { runId, userId: randomUUID() })).toEqual([]);
      expect(await countTasks(db, { userId: user.userId, runType: 'gpu' })).toEqual({
        queued: 1,
        inProgress: 0,
      });
    });

    it("pages a user's tasks newest first", async () => {
      const db = getDb();
      const user = await newUser(db, 100);
      const ids = [];
      for (let i = 0; i < 5; i++)
        ids.push((await createTask(db, { ...user, taskType: 'single_image' })).task.id);
      const first = await listTasks(db, { userId: user.userId, limit: 2 });
      const second = await listTasks(db, { userId: user.userId, limit: 2, cursor: first.nextCursor });
      const third = await listTasks(db, { userId: user.userId, limit: 2, cursor: second.nextCursor });
      const paged = [...first.tasks, ...second.tasks, ...third.tasks];
      // Tasks created within one clock tick tie on created_at and are ordered by id instead.
      expect(paged.map((t) => t.id)).toEqual(
        (await listTasks(db, { userId: user.userId })).tasks.map((t) => t.id),
      );
      expect(new Set(paged.map((t) => t.id))).toEqual(new Set(ids));
      const times = paged.map((t) => t.createdAt.getTime());
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(third.nextCursor).toBeNull();
    });

    it('tells a queued task its place in its queue', async () => {
      const db = getDb();
      const user = await newUser(db, 100);
      const queue = [`only_here_${randomUUID().slice(0, 8)}`];
      // Distinct creation times: two inserts can share a clock tick (PGlite's clock is coarse).
      const mark = (id: string, secondsAgo: number) =>
        db.query(
          'update public.tasks set task_type = $2, created_at = now() - make_interval(secs => $3) where id = $1',
          [id, queue[0], secondsAgo],
        );
      const first = (await createTask(db, { ...user, taskType: 'sdxl_image_fast' })).task;
      const second = (await createTask(db, { ...user, taskType: 'sdxl_image_fast' })).task;
      await mark(first.id, 2);
      await mark(second.id, 1);
      expect(await queuePosition(db, { taskId: second.id, taskTypes: queue })).toBe(2);
      await claimTask(db, { taskId: first.id, workerId: 'sdxl-q' });
      expect(await queuePosition(db, { taskId: second.id, taskTypes: queue })).toBe(1);
      expect(await queuePosition(db, { taskId: first.id, taskTypes: queue })).toBeNull();
    });

    it('publishes task status changes on the task_status channel', async () => {
      const db = getDb();
      const user = await newUser(db);
      const seen: TaskStatusEvent[] = [];
      const stop = await listenTaskStatus(db, (event) => seen.push(event));
      try {
        const { task } = await createTask(db, { ...user, taskType: 'single_image' });
        await completeTask(db, { taskId: task.id, outputLocation: 'n.png' });
        await expect
          .poll(() =>
            seen.filter((event) => event.taskId === task.id).map((e) => [e.previousStatus, e.status]),
          )
          .toEqual([
            [null, 'Queued'],
            ['Queued', 'Complete'],
          ]);
        expect(seen.find((event) => event.taskId === task.id)).toMatchObject({
          projectId: user.projectId,
          userId: user.userId,
          taskType: 'single_image',
        });
      } finally {
        await stop();
      }
    });
  });
}
