/**
 * Status moves after the claim, forward only, with credits settled (Complete) or refunded (Failed,
 * Cancelled) exactly once. Repeating the current state returns the task unchanged.
 * Every function throws TaskNotFoundError (unknown or outside `userId`), InvalidTransitionError
 * (backwards or out of a finished state) and StaleAttemptError (an attempt older than the fence).
 */
import type { TaskStatus } from '@gpuq/job-types';
import type { Queryable } from '../database/database.js';
import { queryOne } from '../database/run-query.js';
import { TASK_COLUMNS, type Task } from './task.js';

interface Scoped {
  taskId: string;
  /** Limit to this user's tasks (a user token). */
  userId?: string | null;
}

interface Fenced extends Scoped {
  /** The reporting BullMQ attempt; omitted for HTTP workers. */
  attempt?: number | null;
}

export interface CompleteTaskInput extends Fenced {
  outputLocation?: string | null;
  thumbnailUrl?: string | null;
  /** Kept on the task, e.g. `{ enhancedPrompt, outputs }`. */
  result?: unknown;
}

export async function completeTask(db: Queryable, input: CompleteTaskInput): Promise<Task> {
  return queryOne<Task>(
    db,
    `select ${TASK_COLUMNS} from public.complete_task($1, $2, $3, $4::jsonb, $5, $6) t`,
    [
      input.taskId,
      input.outputLocation ?? null,
      input.thumbnailUrl ?? null,
      input.result === undefined ? null : JSON.stringify(input.result),
      input.attempt ?? null,
      input.userId ?? null,
    ],
  );
}

export interface FailTaskInput extends Fenced {
  errorMessage?: string | null;
}

export async function failTask(db: Queryable, input: FailTaskInput): Promise<Task> {
  return queryOne<Task>(db, `select ${TASK_COLUMNS} from public.fail_task($1, $2, $3, $4) t`, [
    input.taskId,
    input.errorMessage ?? null,
    input.attempt ?? null,
    input.userId ?? null,
  ]);
}

export interface CancelTaskInput extends Scoped {
  reason?: string | null;
}

export async function cancelTask(db: Queryable, input: CancelTaskInput): Promise<Task> {
  return queryOne<Task>(db, `select ${TASK_COLUMNS} from public.cancel_task($1, $2, $3) t`, [
    input.taskId,
    input.reason ?? null,
    input.userId ?? null,
  ]);
}

export interface UpdateTaskStatusInput extends Fenced {
  status: TaskStatus;
  /** The error (Failed) or the reason (Cancelled). */
  message?: string | null;
  outputLocation?: string | null;
  /** 0..1, kept while In Progress. */
  progress?: number | null;
}

/**
 * The protocol's update-task-status: In Progress on a running task is a heartbeat; a finished
 * status goes through complete / fail / cancel. A Queued task must be claimed, not updated.
 */
export async function updateTaskStatus(db: Queryable, input: UpdateTaskStatusInput): Promise<Task> {
  return queryOne<Task>(
    db,
    `select ${TASK_COLUMNS} from public.update_task_status($1, $2::public.task_status, $3, $4, $5, $6, $7) t`,
    [
      input.taskId,
      input.status,
      input.message ?? null,
      input.outputLocation ?? null,
      input.progress ?? null,
      input.attempt ?? null,
      input.userId ?? null,
    ],
  );
}
