/**
 * The functional path of tasks, written once and run on every engine (Postgres and PGlite):
 * create with reservation, the HTTP claim, complete, fail, cancel, the generation trigger and
 * dependencies.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cancelTask,
  claimNextTask,
  completeTask,
  createTask,
  type Database,
  failTask,
  getGenerationForTask,
  getPredecessorOutput,
  getProfile,
  IdempotencyConflictError,
  InsufficientCreditsError,
  InvalidTransitionError,
  listLedger,
  listQueuedJobTaskRefs,
  listTasks,
  ProjectNotFoundError,
  type QueuedTaskRef,
  TaskNotFoundError,
  updateTaskStatus,
} from '../../src/index.js';
import { newUser } from './databases.js';

async function credits(db: Database, userId: string): Promise<number> {
  return (await getProfile(db, userId))?.credits ?? Number.NaN;
}

export function defineTaskScenarios(engine: string, getDb: () => Database): void {
  describe(`tasks on ${engine}`, () => {
    it('creates a task, reserving its catalog cost with one ledger row', async () => {
      const db = getDb();
      const user = await newUser(db, 10);
      const { task, created } = await createTask(db, {
        ...user,
        taskType: 'video_fast',
        params: { prompt: 'a fox' },
      });
      expect(created).toBe(true);
      expect(task).toMatchObject({ status: 'Queued', cost: 5, runType: 'gpu', params: { prompt: 'a fox' } });
      expect(task.createdAt).toBeInstanceOf(Date);
      expect(await credits(db, user.userId)).toBe(5);
      const ledger = await listLedger(db, { userId: user.userId, taskId: task.id });
      expect(ledger.map((row) => [row.kind, row.amount, row.balanceAfter])).toEqual([['reservation', -5, 5]]);
    });

    it('returns the first task for a repeated idempotency key and refuses it for another body', async () => {
      const db = getDb();
      const user = await newUser(db, 10);
      const input = { ...user, taskType: 'image_fast' as const, idempotencyKey: 'k-1', requestHash: 'h1' };
      const first = await createTask(db, input);
      const again = await createTask(db, input);
      expect(again.created).toBe(false);
      expect(again.task.id).toBe(first.task.id);
      expect(await credits(db, user.userId)).toBe(8);
      await expect(createTask(db, { ...input, requestHash: 'h2' })).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      // The key is per user: another user may use it.
      const other = await newUser(db, 10);
      expect(
        (await createTask(db, { ...other, taskType: 'image_fast', idempotencyKey: 'k-1' })).created,
      ).toBe(true);
    });

    it('refuses a task the balance does not cover, writing nothing', async () => {
      const db = getDb();
      const user = await newUser(db, 4);
      await expect(createTask(db, { ...user, taskType: 'video_fast' })).rejects.toBeInstanceOf(
        InsufficientCreditsError,
      );
      expect(await credits(db, user.userId)).toBe(4);
      expect((await listTasks(db, { userId: user.userId })).tasks).toHaveLength(0);
    });

    it("refuses a task in another user's project", async () => {
      const db = getDb();
      const owner = await newUser(db);
      const intruder = await newUser(db);
      await expect(
        createTask(db, { userId: intruder.userId, projectId: owner.projectId, taskType: 'single_image' }),
      ).rejects.toBeInstanceOf(ProjectNotFoundError);
    });

    it('claims over HTTP the oldest claimable task, registering the worker, never a queue-job type', async () => {
      const db = getDb();
      const user = await newUser(db);
      await createTask(db, { ...user, taskType: 'sdxl_image_fast' });
      const { task } = await createTask(db, { ...user, taskType: 'single_image', params: { prompt: 'p' } });
      expect(await claimNextTask(db, { userId: user.userId, runType: 'api' })).toBeNull();
      const claimed = await claimNextTask(db, {
        userId: user.userId,
        workerId: `w-${randomUUID()}`,
        runType: 'gpu',
        registerWorker: true,
      });
      expect(claimed).toMatchObject({ id: task.id, status: 'In Progress', claimedBy: 'http' });
      expect(claimed?.claimedAt).toBeInstanceOf(Date);
      expect(claimed?.heartbeatAt).toBeInstanceOf(Date);
      const workers = await db.query('select 1 from public.workers where id = $1', [claimed?.workerId]);
      expect(workers.rows).toHaveLength(1);
      expect(await claimNextTask(db, { userId: user.userId })).toBeNull();
    });

    it('gates on dependencies and hands a dependant its predecessor output', async () => {
      const db = getDb();
      const user = await newUser(db);
      const first = (await createTask(db, { ...user, taskType: 'travel_segment' })).task;
      const second = (await createTask(db, { ...user, taskType: 'travel_segment', dependantOn: [first.id] }))
        .task;
      expect(await getPredecessorOutput(db, { taskId: first.id })).toBeNull();
      expect(await getPredecessorOutput(db, { taskId: second.id })).toEqual({
        predecessorId: first.id,
        predecessorStatus: 'Queued',
        outputLocation: null,
      });
      expect((await claimNextTask(db, { userId: user.userId }))?.id).toBe(first.id);
      expect(await claimNextTask(db, { userId: user.userId })).toBeNull();
      await completeTask(db, { taskId: first.id, outputLocation: 'u/seg0.mp4' });
      expect((await getPredecessorOutput(db, { taskId: second.id }))?.outputLocation).toBe('u/seg0.mp4');
      expect((await claimNextTask(db, { userId: user.userId }))?.id).toBe(second.id);
    });

    it("refuses a dependency on another user's task (it would leak that task's output)", async () => {
      const db = getDb();
      const owner = await newUser(db);
      const other = await newUser(db);
      const foreign = (await createTask(db, { ...owner, taskType: 'travel_segment' })).task;
      await expect(
        createTask(db, { ...other, taskType: 'travel_segment', dependantOn: [foreign.id] }),
      ).rejects.toBeInstanceOf(TaskNotFoundError);
      await expect(
        createTask(db, { ...other, taskType: 'travel_segment', dependantOn: [randomUUID()] }),
      ).rejects.toBeInstanceOf(TaskNotFoundError);
      expect((await getProfile(db, other.userId))?.credits).toBe(100);
    });

    it('completes once: output, timing, settlement and one generation linked to its shot', async () => {
      const db = getDb();
      const user = await newUser(db);
      const shot = await db.query<{ id: string }>(
        'insert into public.shots (project_id, user_id, name) values ($1, $2, $3) returning id',
        [user.projectId, user.userId, 'opening'],
      );
      const shotId = shot.rows[0]?.id;
      const { task } = await createTask(db, {
        ...user,
        taskType: 'single_image',
        params: { prompt: 'p', shot_id: shotId },
      });
      await claimNextTask(db, { userId: user.userId, workerId: 'w-complete', registerWorker: true });
      const done = await completeTask(db, {
        taskId: task.id,
        outputLocation: `${user.userId}/a.png`,
        result: { n: 1 },
      });
      expect(done).toMatchObject({
        status: 'Complete',
        generationCreated: true,
        progress: 1,
        result: { n: 1 },
      });
      expect(done.generationProcessedAt).toBeInstanceOf(Date);
      const repeat = await completeTask(db, { taskId: task.id, outputLocation: 'ignored' });
      expect(repeat.outputLocation).toBe(`${user.userId}/a.png`);
      const generations = await db.query(
        'select id, type, location from public.generations where task_id = $1',
        [task.id],
      );
      expect(generations.rows).toEqual([
        expect.objectContaining({ type: 'image', location: `${user.userId}/a.png` }),
      ]);
      const links = await db.query('select shot_id from public.shot_generations where shot_id = $1', [
        shotId,
      ]);
      expect(links.rows).toHaveLength(1);
      const ledger = await listLedger(db, { userId: user.userId, taskId: task.id });
      expect(ledger.map((row) => row.kind)).toEqual(['reservation', 'settlement']);
      expect(await credits(db, user.userId)).toBe(99);
    });

    it('completes a task whose params name a bad shot, without the link', async () => {
      const db = getDb();
      const user = await newUser(db);
      for (const shotId of ['not-a-uuid', randomUUID()]) {
        const { task } = await createTask(db, {
          ...user,
          taskType: 'single_image',
          params: { shot_id: shotId },
        });
        const done = await completeTask(db, { taskId: task.id, outputLocation: 'x.png' });
        expect(done.status).toBe('Complete');
        expect(await getGenerationForTask(db, task.id)).not.toBeNull();
      }
    });

    it('makes no generation for intermediate task types', async () => {
      const db = getDb();
      const user = await newUser(db);
      const { task } = await createTask(db, { ...user, taskType: 'travel_segment' });
      const done = await completeTask(db, { taskId: task.id, outputLocation: 'seg.mp4' });
      expect(done.generationCreated).toBe(false);
      expect(await getGenerationForTask(db, task.id)).toBeNull();
    });

    it('fails with the error and a refund, once, and never moves out of Failed', async () => {
      const db = getDb();
      const user = await newUser(db, 10);
      const { task } = await createTask(db, { ...user, taskType: 'video_high' });
      await claimNextTask(db, { userId: user.userId });
      expect(await credits(db, user.userId)).toBe(2);
      const failed = await failTask(db, { taskId: task.id, errorMessage: 'CUDA out of memory' });
      expect(failed).toMatchObject({ status: 'Failed', errorMessage: 'CUDA out of memory' });
      await failTask(db, { taskId: task.id, errorMessage: 'again' });
      expect(await credits(db, user.userId)).toBe(10);
      await expect(completeTask(db, { taskId: task.id })).rejects.toBeInstanceOf(InvalidTransitionError);
      await expect(cancelTask(db, { taskId: task.id })).rejects.toBeInstanceOf(InvalidTransitionError);
      const kinds = (await listLedger(db, { userId: user.userId, taskId: task.id })).map((row) => row.kind);
      expect(kinds).toEqual(['reservation', 'refund']);
    });

    it('cancels a queued task with a refund', async () => {
      const db = getDb();
      const user = await newUser(db, 3);
      const { task } = await createTask(db, { ...user, taskType: 'image_high' });
      expect(await credits(db, user.userId)).toBe(0);
      expect((await cancelTask(db, { taskId: task.id, reason: 'user' })).status).toBe('Cancelled');
      expect(await credits(db, user.userId)).toBe(3);
    });

    it('pages through the Queued tasks oldest first, ties (one transaction) by id, each once', async () => {
      const db = getDb();
      const user = await newUser(db);
      const early = (await createTask(db, { ...user, taskType: 'image_fast' })).task.id;
      // One transaction: the same created_at to the microsecond, which a page boundary must not split wrongly.
      const tied = await db.transaction(async (tx) => {
        const ids: string[] = [];
        for (let index = 0; index < 5; index += 1)
          ids.push((await createTask(tx, { ...user, taskType: 'image_fast' })).task.id);
        return ids;
      });
      const cancelled = (await createTask(db, { ...user, taskType: 'image_fast' })).task.id;
      await cancelTask(db, { taskId: cancelled, reason: 'user' });
      const mine = new Set([early, ...tied, cancelled]);
      const seen: string[] = [];
      let after: QueuedTaskRef | undefined;
      for (let pages = 0; pages < 10_000; pages += 1) {
        const page = await listQueuedJobTaskRefs(db, {
          jobTypes: ['image_fast'],
          limit: 2,
          ...(after ? { after } : {}),
        });
        seen.push(...page.filter((ref) => mine.has(ref.id)).map((ref) => ref.id));
        if (page.length < 2) break;
        after = page.at(-1);
      }
      expect(seen).toEqual([early, ...[...tied].sort()]);
    });

    it('moves status forward only through update-task-status', async () => {
      const db = getDb();
      const user = await newUser(db);
      const { task } = await createTask(db, { ...user, taskType: 'single_image' });
      await expect(updateTaskStatus(db, { taskId: task.id, status: 'In Progress' })).rejects.toBeInstanceOf(
        InvalidTransitionError,
      );
      await claimNextTask(db, { userId: user.userId, workerId: 'w-upd', registerWorker: true });
      const beat = await updateTaskStatus(db, { taskId: task.id, status: 'In Progress', progress: 0.5 });
      expect(beat).toMatchObject({ status: 'In Progress', progress: 0.5 });
      await expect(updateTaskStatus(db, { taskId: task.id, status: 'Queued' })).rejects.toBeInstanceOf(
        InvalidTransitionError,
      );
      const failed = await updateTaskStatus(db, {
        taskId: task.id,
        status: 'Failed',
        outputLocation: 'boom',
      });
      expect(failed).toMatchObject({ status: 'Failed', errorMessage: 'boom' });
      await expect(updateTaskStatus(db, { taskId: randomUUID(), status: 'Complete' })).rejects.toBeInstanceOf(
        TaskNotFoundError,
      );
      await expect(
        updateTaskStatus(db, { taskId: task.id, status: 'Failed', userId: randomUUID() }),
      ).rejects.toBeInstanceOf(TaskNotFoundError);
    });
  });
}
