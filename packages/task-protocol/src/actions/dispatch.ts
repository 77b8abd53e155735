/**
 * Hands claimable protocol tasks to our own BullMQ fleet. A task is enqueued only once every
 * dependency is Complete: a BullMQ worker claims its job's task by id (which does not look at
 * dependencies), so a job in Redis must never be ahead of its chain. Postgres stays the one
 * source of truth for ordering; Redis only ever holds runnable work. Enqueueing is idempotent
 * (job id = task id), so the fast path here and the dispatcher's sweep may both try.
 */
import { listReadyDependants, type Task } from '@gpuq/db';
import { fleetRunsTaskType } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import type { RouteContext } from '../settings.js';

/** Task types that never go to a worker: the orchestrator is expanded by the api itself. */
export const NEVER_ENQUEUED = new Set(['travel_orchestrator']);

type DispatchContext = Pick<RouteContext, 'db' | 'enqueue' | 'logger'>;

export async function enqueueTasks(ctx: DispatchContext, tasks: readonly Task[]): Promise<number> {
  const { enqueue } = ctx;
  if (!enqueue) return 0;
  let enqueued = 0;
  for (const task of tasks) {
    // Registered types are claimed by pull-workers over HTTP: our fleet has no code for them.
    if (NEVER_ENQUEUED.has(task.taskType) || !fleetRunsTaskType(task.taskType)) continue;
    if (task.status !== 'Queued') continue;
    try {
      await enqueue(task);
      enqueued += 1;
    } catch (error) {
      // The row is committed and claimable over HTTP; the dispatcher's sweep enqueues it later.
      warn(ctx.logger, task, error);
    }
  }
  return enqueued;
}

/** After `taskIds` became Complete: enqueue the tasks they were the last missing dependencies of. */
export async function enqueueReadyDependants(
  ctx: DispatchContext,
  taskIds: string | readonly string[],
): Promise<number> {
  if (!ctx.enqueue) return 0;
  return enqueueTasks(ctx, await listReadyDependants(ctx.db, taskIds));
}

function warn(logger: Logger, task: Task, error: unknown): void {
  logger.warn(
    { err: error, taskId: task.id, taskType: task.taskType },
    'enqueue failed; the sweep will retry',
  );
}
