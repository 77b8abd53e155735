/** Creating a task and reserving its credits in one transaction (public.create_task). */
import { isJobType, isProtocolTaskType, type RunType, taskSpec } from '@gpuq/job-types';
import type { Queryable } from '../database/database.js';
import { queryOne } from '../database/run-query.js';
import type { Task } from './task.js';

export interface CreateTaskInput {
  userId: string;
  projectId: string;
  /** A catalog type, or one registered in task_types (then `cost` and `runType` are required). */
  taskType: string;
  params?: Record<string, unknown>;
  /** Credits to reserve. Default: the catalog's cost of the task type. */
  cost?: number;
  /** Default: the catalog's run type of the task type. */
  runType?: RunType;
  /** Ids of tasks that must be Complete before this one can be claimed. */
  dependantOn?: string[];
  /** A client's Idempotency-Key: unique per user. */
  idempotencyKey?: string;
  /** Hash of the request body, so a reused key with another body is refused. */
  requestHash?: string;
  /** Choose the id (the protocol's create-task accepts `task_id`). */
  taskId?: string;
}

export interface CreateTaskResult {
  task: Task;
  /** False when the idempotency key returned an earlier task (nothing was charged). */
  created: boolean;
}

/**
 * @throws InsufficientCreditsError, IdempotencyConflictError, ProjectNotFoundError,
 *   ProfileNotFoundError
 */
export async function createTask(db: Queryable, input: CreateTaskInput): Promise<CreateTaskResult> {
  const spec =
    isJobType(input.taskType) || isProtocolTaskType(input.taskType) ? taskSpec(input.taskType) : null;
  const cost = input.cost ?? spec?.credits;
  const runType = input.runType ?? spec?.runType;
  if (cost === undefined || runType === undefined) {
    throw new TypeError(`task type ${input.taskType} is not in the catalog: pass its cost and run type`);
  }
  const row = await queryOne<Task & { created: boolean }>(
    db,
    `select r.created, (r.task).*
       from public.create_task($1, $2, $3, $4::jsonb, $5, $6::uuid[], $7, $8, $9, $10) r`,
    [
      input.userId,
      input.projectId,
      input.taskType,
      JSON.stringify(input.params ?? {}),
      cost,
      input.dependantOn ?? [],
      input.idempotencyKey ?? null,
      input.requestHash ?? null,
      input.taskId ?? null,
      runType,
    ],
  );
  const { created, ...task } = row;
  return { task, created };
}
