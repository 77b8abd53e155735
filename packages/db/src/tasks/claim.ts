/**
 * The one way work starts: the HTTP pull-worker's claim of the oldest claimable task, and the
 * BullMQ worker's claim of its own job's task by id (its first `processing` callback).
 */
import type { RunType } from '@gpuq/job-types';
import type { Queryable } from '../database/database.js';
import { queryCamel, queryOne } from '../database/run-query.js';
import { TASK_COLUMNS, type Task } from './task.js';

export interface ClaimNextTaskInput {
  /**
   * Registered (and recorded on the task) when `registerWorker` allows it; otherwise recorded on
   * the task only if that worker is already registered.
   */
  workerId?: string | null;
  /**
   * Whether the caller speaks for the fleet (the service role, a `tasks`-scoped token): only then
   * is the worker inserted or refreshed in `workers`, and only when a task is claimed. Default
   * false.
   */
  registerWorker?: boolean;
  runType?: RunType | null;
  /** Only this user's tasks (a user token); null or absent: everyone's (the service). */
  userId?: string | null;
}

/** Claims over HTTP (claimed_by 'http'); null when nothing is claimable. */
export async function claimNextTask(db: Queryable, input: ClaimNextTaskInput = {}): Promise<Task | null> {
  const [task] = await queryCamel<Task>(
    db,
    `select ${TASK_COLUMNS} from public.claim_next_task($1, $2, $3, $4) t`,
    [input.workerId ?? null, input.runType ?? null, input.userId ?? null, input.registerWorker ?? false],
  );
  return task ?? null;
}

export interface ClaimTaskInput {
  taskId: string;
  workerId: string;
  /** BullMQ's attemptsMade + 1. Default 1. */
  attempt?: number;
}

/**
 * Claims a task by id for BullMQ (claimed_by 'bullmq'). Repeating the same attempt's claim is a
 * no-op; a newer attempt takes the task over.
 * @throws TaskNotFoundError, TaskClaimedElsewhereError (held over HTTP: drop the job),
 *   StaleAttemptError, InvalidTransitionError (already finished)
 */
export async function claimTask(db: Queryable, input: ClaimTaskInput): Promise<Task> {
  return queryOne<Task>(db, `select ${TASK_COLUMNS} from public.claim_task($1, $2, $3) t`, [
    input.taskId,
    input.workerId,
    input.attempt ?? 1,
  ]);
}
