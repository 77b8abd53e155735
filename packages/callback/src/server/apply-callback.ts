/**
 * The job state machine of DESIGN.md section 4, in one place. One transaction per callback with
 * the task row locked, so a retried callback racing its original applies once:
 *   queued → processing → completed | failed | cancelled
 * - an older BullMQ attempt than the task's fence → 409 (StaleAttemptError), nothing changes;
 * - a repeat of the current state → 200 with the task, nothing changes (progress may move);
 * - a backward or illegal move → 409 (InvalidTransitionError), nothing changes;
 * - the first `processing` of an attempt is the BullMQ worker's claim; a task an HTTP
 *   pull-worker holds → 409 (TaskClaimedElsewhereError).
 */
import {
  cancelTask,
  claimTask,
  completeTask,
  type Database,
  failTask,
  lockTask,
  StaleAttemptError,
  type Task,
  TaskNotFoundError,
  updateTaskStatus,
  workerHeartbeat,
} from '@gpuq/db';
import type { JobCallbackPayload } from '@gpuq/job-types';
import { type OutputOptions, recordOutputs, reportedOutputs } from './callback-outputs.js';

export interface AppliedCallback {
  task: Task;
  /** False for an idempotent repeat. */
  changed: boolean;
}

const TERMINAL_BY_CALLBACK = { completed: 'Complete', failed: 'Failed', cancelled: 'Cancelled' } as const;

export async function applyCallback(
  db: Database,
  payload: JobCallbackPayload,
  options: OutputOptions,
): Promise<AppliedCallback> {
  return db.transaction(async (tx) => {
    const task = await lockTask(tx, payload.jobId);
    if (!task) throw new TaskNotFoundError(`task ${payload.jobId} not found`);
    if (payload.attempt < task.bullmqAttempt) {
      throw new StaleAttemptError(`attempt ${payload.attempt} is older than attempt ${task.bullmqAttempt}`);
    }
    const workerId = payload.workerId ?? 'bullmq-worker';

    if (payload.status === 'processing') {
      // Every report of a running job is its worker's heartbeat in the workers table.
      await workerHeartbeat(tx, { workerId, currentTaskId: task.id, status: 'active' });
      const claimed =
        task.status === 'In Progress' && task.claimedBy === 'bullmq' && payload.attempt === task.bullmqAttempt
          ? task
          : await claimTask(tx, { taskId: task.id, workerId, attempt: payload.attempt });
      if (payload.progress === undefined || payload.progress === claimed.progress) {
        return { task: claimed, changed: claimed !== task };
      }
      const progressed = await updateTaskStatus(tx, {
        taskId: task.id,
        status: 'In Progress',
        progress: payload.progress,
        attempt: payload.attempt,
      });
      return { task: progressed, changed: true };
    }

    if (task.status === TERMINAL_BY_CALLBACK[payload.status]) return { task, changed: false };

    if (payload.status === 'completed') {
      const outputs = reportedOutputs(task, payload, options);
      const enhancedPrompt = payload.enhancedPrompt ?? null;
      const completed = await completeTask(tx, {
        taskId: task.id,
        outputLocation: `${outputs[0]!.bucket}/${outputs[0]!.path}`,
        result: {
          outputs,
          ...(enhancedPrompt ? { enhancedPrompt } : {}),
          ...(payload.metadata ? { metadata: payload.metadata } : {}),
        },
        attempt: payload.attempt,
      });
      await recordOutputs(tx, completed, outputs, enhancedPrompt);
      return { task: completed, changed: true };
    }
    if (payload.status === 'failed') {
      const failed = await failTask(tx, {
        taskId: task.id,
        errorMessage: payload.errorMessage ?? 'the worker reported a failure without a message',
        attempt: payload.attempt,
      });
      return { task: failed, changed: true };
    }
    const cancelled = await cancelTask(tx, { taskId: task.id, reason: payload.errorMessage ?? 'cancelled' });
    return { task: cancelled, changed: true };
  });
}
