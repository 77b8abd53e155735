/**
 * queue-job's database work in one call to public.submit_job: the profile on first sight, the
 * in-flight cap, the project (default or named) and the task with its credit reservation. One
 * statement, one round trip, its own transaction. The task's place in line is not counted here
 * (a count grows with the backlog); queue-api asks the queue in Redis.
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
  idempotencyKey?: string;
  requestHash?: string;
}

export interface SubmittedJobTask {
  task: Task;
  /** False when the Idempotency-Key returned an earlier task (nothing was charged). */
  created: boolean;
}

/**
 * @throws InFlightLimitError, ProjectNotFoundError (a projectId not the user's),
 *   InsufficientCreditsError, IdempotencyConflictError
 */
export async function submitJobTask(db: Queryable, input: SubmitJobTaskInput): Promise<SubmittedJobTask> {
  // The eighth argument (the queue's task types, for a count the function no longer makes) is
  // kept in its signature for instances of the previous release during a rolling deploy.
  const row = await queryOne<Task & { created: boolean }>(
    db,
    `select r.created, (r.task).*
       from public.submit_job($1, $2, $3, $4::jsonb, $5, $6, $7, null::text[], $8, $9, $10) r`,
    [
      input.userId,
      input.projectId ?? null,
      input.taskType,
      JSON.stringify(input.params),
      input.cost,
      input.signupCredits,
      input.maxInFlight,
      input.idempotencyKey ?? null,
      input.requestHash ?? null,
      taskSpec(input.taskType).runType,
    ],
  );
  const { created, ...task } = row;
  return { task, created };
}
