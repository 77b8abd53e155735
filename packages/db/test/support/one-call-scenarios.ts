/**
 * The one-statement paths, written once and run on every engine: submit_job (queue-job's
 * database work) and apply_job_callback (a worker callback). Each is checked to be one
 * statement, and to keep the errors and effects the several-statement paths had.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  applyJobCallback,
  type Database,
  getGenerationForTask,
  getProfile,
  IdempotencyConflictError,
  InFlightLimitError,
  InsufficientCreditsError,
  InvalidTransitionError,
  listLedger,
  MissingOutputsError,
  ProjectNotFoundError,
  type Queryable,
  StaleAttemptError,
  type StoredOutput,
  submitJobTask,
  TaskClaimedElsewhereError,
  TaskNotFoundError,
} from '../../src/index.js';
import { newUser } from './databases.js';

/** Counts the statements sent through it: the db layer's one hook, the Queryable. */
function counting(db: Database): { db: Queryable; statements: () => number } {
  let statements = 0;
  return {
    db: {
      query: (sql, params) => {
        statements += 1;
        return db.query(sql, params);
      },
      exec: (sql) => {
        statements += 1;
        return db.exec(sql);
      },
    },
    statements: () => statements,
  };
}

const SDXL = ['image_fast', 'image_quality'];

function submission(userId: string, extra: Partial<Parameters<typeof submitJobTask>[1]> = {}) {
  return {
    userId,
    taskType: 'image_fast' as const,
    params: { prompt: 'a fox', width: 512, height: 512, seed: 7 },
    cost: 2,
    signupCredits: 10,
    maxInFlight: 3,
    ...extra,
  };
}

async function credits(db: Database, userId: string): Promise<number> {
  return (await getProfile(db, userId))?.credits ?? Number.NaN;
}

export function defineOneCallScenarios(engine: string, getDb: () => Database): void {
  describe(`submit_job on ${engine}`, () => {
    it('makes the profile, the default project and the task in one statement', async () => {
      const db = getDb();
      const userId = randomUUID();
      const counted = counting(db);
      const first = await submitJobTask(counted.db, submission(userId));
      expect(counted.statements()).toBe(1);
      expect(first).toMatchObject({ created: true, task: { status: 'Queued', cost: 2, userId } });
      const second = await submitJobTask(db, submission(userId));
      expect(second.task.projectId).toBe(first.task.projectId);
      expect(await credits(db, userId)).toBe(6);
    });

    it('still answers the previous release’s call during a rolling deploy, with a null queue position', async () => {
      const db = getDb();
      const userId = randomUUID();
      // The statement api instances of the previous release send, which counted the position.
      const { rows } = await db.query<{ created: boolean; queue_position: number | null; user_id: string }>(
        `select r.created, r.queue_position, (r.task).user_id
           from public.submit_job($1, $2, $3, $4::jsonb, $5, $6, $7, $8::text[], $9, $10, $11) r`,
        [userId, null, 'image_fast', JSON.stringify({ prompt: 'a fox' }), 2, 10, 3, SDXL, null, null, 'gpu'],
      );
      expect(rows).toEqual([{ created: true, queue_position: null, user_id: userId }]);
      expect(await credits(db, userId)).toBe(8);
    });

    it('refuses past the in-flight cap, a foreign project, a short balance; no cap when privileged', async () => {
      const db = getDb();
      const userId = randomUUID();
      for (let index = 0; index < 3; index += 1) await submitJobTask(db, submission(userId));
      await expect(submitJobTask(db, submission(userId))).rejects.toBeInstanceOf(InFlightLimitError);
      await expect(
        submitJobTask(db, submission(userId, { maxInFlight: null, cost: 0 })),
      ).resolves.toMatchObject({
        created: true,
      });
      const other = await newUser(db);
      await expect(
        submitJobTask(db, submission(userId, { maxInFlight: null, projectId: other.projectId })),
      ).rejects.toBeInstanceOf(ProjectNotFoundError);
      await expect(
        submitJobTask(db, submission(userId, { maxInFlight: null, cost: 50 })),
      ).rejects.toBeInstanceOf(InsufficientCreditsError);
      expect(await credits(db, userId)).toBe(4);
    });

    it('returns the first task for a repeated Idempotency-Key and refuses it with another body', async () => {
      const db = getDb();
      const userId = randomUUID();
      const input = submission(userId, { idempotencyKey: 'k-1', requestHash: 'h1' });
      const first = await submitJobTask(db, input);
      const again = await submitJobTask(db, input);
      expect(again).toMatchObject({ created: false, task: { id: first.task.id } });
      await expect(submitJobTask(db, { ...input, requestHash: 'h2' })).rejects.toBeInstanceOf(
        IdempotencyConflictError,
      );
      expect(await credits(db, userId)).toBe(8);
    });
  });

  describe(`apply_job_callback on ${engine}`, () => {
    async function queuedTask(db: Database) {
      const user = await newUser(db, 10);
      const { task } = await submitJobTask(db, submission(user.userId, { cost: 2 }));
      const outputs: StoredOutput[] = [
        { kind: 'image', bucket: 'image_uploads', path: `${user.userId}/a.png` },
        { kind: 'image', bucket: 'image_uploads', path: `${user.userId}/b.png` },
      ];
      return { user, task, outputs };
    }

    it('claims, heartbeats and completes in one statement per report, filing outputs and settling once', async () => {
      const db = getDb();
      const { user, task, outputs } = await queuedTask(db);
      const counted = counting(db);
      const claimed = await applyJobCallback(counted.db, {
        taskId: task.id,
        status: 'processing',
        attempt: 1,
        workerId: 'w-1',
      });
      expect(claimed).toMatchObject({ changed: true, task: { status: 'In Progress', claimedBy: 'bullmq' } });
      const repeat = await applyJobCallback(counted.db, {
        taskId: task.id,
        status: 'processing',
        attempt: 1,
      });
      expect(repeat.changed).toBe(false);
      const progressed = await applyJobCallback(counted.db, {
        taskId: task.id,
        status: 'processing',
        attempt: 1,
        workerId: 'w-1',
        progress: 0.5,
      });
      expect(progressed).toMatchObject({ changed: true, task: { progress: 0.5 } });
      const done = await applyJobCallback(counted.db, {
        taskId: task.id,
        status: 'completed',
        attempt: 1,
        outputs,
        outputLocation: `image_uploads/${outputs[0]!.path}`,
        result: { outputs, enhancedPrompt: 'a red fox' },
        enhancedPrompt: 'a red fox',
      });
      expect(counted.statements()).toBe(4);
      expect(done).toMatchObject({ changed: true, task: { status: 'Complete', progress: 1 } });
      const again = await applyJobCallback(db, { taskId: task.id, status: 'completed', attempt: 1, outputs });
      expect(again.changed).toBe(false);

      const generation = await getGenerationForTask(db, task.id);
      const { rows } = await db.query<Record<string, unknown>>(
        `select storage_path, enhanced_prompt, prompt, width, height, seed::integer as seed, generation_id, user_id
           from public.images where task_id = $1 order by storage_path`,
        [task.id],
      );
      expect(rows).toEqual(
        outputs.map((output) => ({
          storage_path: output.path,
          enhanced_prompt: 'a red fox',
          prompt: 'a fox',
          width: 512,
          height: 512,
          seed: 7,
          generation_id: generation?.id ?? null,
          user_id: user.userId,
        })),
      );
      const ledger = await listLedger(db, { userId: user.userId, taskId: task.id });
      expect(ledger.map((row) => row.kind)).toEqual(['reservation', 'settlement']);
    });

    it('keeps the fence, the HTTP claim, the order of moves and the refunds', async () => {
      const db = getDb();
      const { user, task, outputs } = await queuedTask(db);
      await expect(
        applyJobCallback(db, { taskId: randomUUID(), status: 'processing', attempt: 1 }),
      ).rejects.toBeInstanceOf(TaskNotFoundError);
      await applyJobCallback(db, { taskId: task.id, status: 'processing', attempt: 2 });
      await expect(
        applyJobCallback(db, { taskId: task.id, status: 'completed', attempt: 1, outputs }),
      ).rejects.toBeInstanceOf(StaleAttemptError);
      // Outputs are required only once the fence and the repeat check have passed.
      await expect(
        applyJobCallback(db, { taskId: task.id, status: 'completed', attempt: 2, outputs: null }),
      ).rejects.toBeInstanceOf(MissingOutputsError);
      const failed = await applyJobCallback(db, {
        taskId: task.id,
        status: 'failed',
        attempt: 2,
        message: 'OOM',
      });
      expect(failed.task).toMatchObject({ status: 'Failed', errorMessage: 'OOM' });
      await expect(
        applyJobCallback(db, { taskId: task.id, status: 'completed', attempt: 2, outputs: null }),
      ).rejects.toBeInstanceOf(MissingOutputsError);
      await expect(
        applyJobCallback(db, { taskId: task.id, status: 'processing', attempt: 2 }),
      ).rejects.toBeInstanceOf(InvalidTransitionError);
      const ledger = await listLedger(db, { userId: user.userId, taskId: task.id });
      expect(ledger.map((row) => [row.kind, row.amount])).toEqual([
        ['reservation', -2],
        ['refund', 2],
      ]);

      const held = await queuedTask(db);
      await db.query(`update public.tasks set status = 'In Progress', claimed_by = 'http' where id = $1`, [
        held.task.id,
      ]);
      await expect(
        applyJobCallback(db, { taskId: held.task.id, status: 'processing', attempt: 1 }),
      ).rejects.toBeInstanceOf(TaskClaimedElsewhereError);
      const cancelled = await applyJobCallback(db, { taskId: held.task.id, status: 'cancelled', attempt: 1 });
      expect(cancelled.task.status).toBe('Cancelled');
    });
  });
}
