/**
 * queue-job's database work in one call to public.submit_job: the profile on first sight, the
 * in-flight cap, the project (default or named), the task with its credit reservation, and its
 * place in the queue for the answer. One statement, one round trip, its own transaction.
 */
import { type TaskType, taskSpec } from '@gpuq/job-types';
import type { Queryable } from '../database/database.js';
import { queryOne } from '../database/run-query.js';
import type { Task } from './task.js';

export interface SubmitJobTaskInput {
  userId: string;
  /** Null or absent: the user's default project. */
  projectId?: string | null;
  taskType: TaskType;
  params: Record<string, unknown>;
  /** Credits to reserve. */
  cost: number;
  /** Credits a profile created now starts with (GPUQ_SIGNUP_CREDITS). */
  signupCredits: number;
  /** MAX_JOBS_IN_FLIGHT; null: no cap (admin images). */
  maxInFlight: number | null;
  /** The task types sharing this task's BullMQ queue: the queue position counts them. */
  queueTaskTypes: readonly string[];
  idempotencyKey?: string;
  requestHash?: string;
}

export interface SubmittedJobTask {
  task: Task;
  /** False when the Idempotency-Key returned an earlier task (nothing was charged). */
  created: boolean;
  /** 1-based place among the queue's Queued tasks; null when the task is not Queued. */
  queuePosition: number | null;
}

/**
 * @throws InFlightLimitError, ProjectNotFoundError (a projectId not the user's),
 *   InsufficientCreditsError, IdempotencyConflictError
 */
export async function submitJobTask(db: Queryable, input: SubmitJobTaskInput): Promise<SubmittedJobTask> {
  const row = await queryOne<Task & { created: boolean; queuePosition: number | null }>(
    db,
    `select r.created, r.queue_position, (r.task).*
       from public.submit_job($1, $2, $3, $4::jsonb, $5, $6, $7, $8::text[], $9, $10, $11) r`,
    [
      input.userId,
      input.projectId ?? null,
      input.taskType,
      JSON.stringify(input.params),
      input.cost,
      input.signupCredits,
      input.maxInFlight,
      input.queueTaskTypes,
      input.idempotencyKey ?? null,
      input.requestHash ?? null,
      taskSpec(input.taskType).runType,
    ],
  );
  const { created, queuePosition, ...task } = row;
  return { task, created, queuePosition };
}
