/**
 * A BullMQ worker's callback applied in one call to public.apply_job_callback: lock, attempt
 * fence, claim / heartbeat / progress, or the finishing move with its settlement and asset rows,
 * all in one statement (one round trip, its own transaction). The migration's header documents
 * the order of checks; the state machine lives there.
 */
import type { Queryable } from '../database/database.js';
import { queryOne } from '../database/run-query.js';
import type { StoredOutput } from './job-record.js';
import type { Task } from './task.js';

export type JobCallbackStatus = 'processing' | 'completed' | 'failed' | 'cancelled';

export interface ApplyJobCallbackInput {
  taskId: string;
  status: JobCallbackStatus;
  /** The reporting BullMQ attempt; older than the task's fence → StaleAttemptError. */
  attempt: number;
  /** Default (in SQL): 'bullmq-worker'. */
  workerId?: string | null;
  /** processing: 0..1. */
  progress?: number | null;
  /** failed: the error; cancelled: the reason. */
  message?: string | null;
  /** completed: the outputs, paths already normalised to `<owner>/...` by the caller. */
  outputs?: readonly StoredOutput[] | null;
  /** completed: kept on the task (output_location, result) and on the asset rows. */
  outputLocation?: string | null;
  result?: unknown;
  enhancedPrompt?: string | null;
}

export interface AppliedJobCallback {
  task: Task;
  /** False for an idempotent repeat. */
  changed: boolean;
}

/**
 * @throws TaskNotFoundError, StaleAttemptError, TaskClaimedElsewhereError, InvalidTransitionError,
 *   MissingOutputsError (completed without outputs; checked after the fence and the repeat check)
 */
export async function applyJobCallback(
  db: Queryable,
  input: ApplyJobCallbackInput,
): Promise<AppliedJobCallback> {
  const row = await queryOne<Task & { changed: boolean }>(
    db,
    `select r.changed, (r.task).*
       from public.apply_job_callback($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10) r`,
    [
      input.taskId,
      input.status,
      input.attempt,
      input.workerId ?? null,
      input.progress ?? null,
      input.message ?? null,
      input.outputLocation ?? null,
      input.result === undefined ? null : JSON.stringify(input.result),
      input.outputs ? JSON.stringify(input.outputs) : null,
      input.enhancedPrompt ?? null,
    ],
  );
  const { changed, ...task } = row;
  return { task, changed };
}
