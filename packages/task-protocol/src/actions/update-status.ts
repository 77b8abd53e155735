/**
 * The status moves a pull-worker reports outside complete-task (update-task-status and the
 * rpc's func_update_task_status / func_mark_task_failed):
 * - In Progress on a running task: a heartbeat (optionally restarting the billing clock);
 * - Failed: `message` (the worker puts it in output_location) is stored as the error and the
 *   reservation refunded; a travel task also stops its travel (migration travel_chain_cascade);
 * - Cancelled: refunded likewise;
 *   after either, our BullMQ fleet's job of the task is stopped (`stopJob`), as a cancel through
 *   `/v1/jobs/:id/cancel` would: whoever sends it, a job the fleet runs must not finish a refunded
 *   task (its outputs would never be promoted anyway, see the callback's staged outputs);
 * - Complete: the output_location mode of complete-task;
 * - Queued: only a repeat of the current state (the reaper alone requeues a claim).
 */
import { cancelTask, failTask, resetGenerationStartedAt, type Task, updateTaskStatus } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import { isTaskFinished, type TaskStatus } from '@gpuq/job-types';
import { resolveOutput } from '../output/resolve-output.js';
import type { Scope } from '../scope.js';
import type { RouteContext } from '../settings.js';
import { completeWithOutput } from './complete.js';

export interface StatusUpdate {
  status: TaskStatus;
  /** The error (Failed), the reason (Cancelled) or the output (Complete). */
  message?: string | null;
  resetClock?: boolean;
}

export async function applyStatusUpdate(
  ctx: RouteContext,
  scope: Scope,
  task: Task,
  update: StatusUpdate,
): Promise<Task> {
  const base = { taskId: task.id, userId: scope.userId };
  switch (update.status) {
    case 'Failed': {
      const errorMessage = update.message || 'the worker reported a failure';
      return stopped(ctx, task, await failTask(ctx.db, { ...base, errorMessage }));
    }
    case 'Cancelled': {
      const reason = update.message || 'cancelled by the worker';
      return stopped(ctx, task, await cancelTask(ctx.db, { ...base, reason }));
    }
    case 'Complete': {
      if (task.status === 'Complete') return task;
      if (!update.message) {
        throw new HttpError(400, 'invalid_request', 'output_location: is required for Complete', {
          field: 'output_location',
        });
      }
      const output = await resolveOutput(ctx, task, { task_id: task.id, output_location: update.message });
      return completeWithOutput(ctx, scope, task, output);
    }
    case 'In Progress': {
      const beat = await updateTaskStatus(ctx.db, { ...base, status: 'In Progress' });
      if (!update.resetClock) return beat;
      return (await resetGenerationStartedAt(ctx.db, base)) ?? beat;
    }
    case 'Queued':
      if (task.status === 'Queued') return task;
      throw new HttpError(
        409,
        'conflict',
        `task ${task.id} is ${task.status}; only the reaper requeues a claim`,
      );
  }
}

/** After a task was failed or cancelled here: its fleet job, if any, stops too. */
async function stopped(ctx: RouteContext, before: Task, after: Task): Promise<Task> {
  if (!ctx.stopJob || isTaskFinished(before.status)) return after;
  try {
    await ctx.stopJob(after);
  } catch (error) {
    // The task is finished and refunded either way; a job still running is refused at its next report.
    ctx.logger.warn({ taskId: after.id, err: (error as Error).message }, 'could not stop the fleet job');
  }
  return after;
}
