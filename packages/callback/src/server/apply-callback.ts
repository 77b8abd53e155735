/**
 * The job state machine of DESIGN.md section 4, applied in one SQL call per callback
 * (public.apply_job_callback: the task row locked, the fence checked, the move made, outputs filed,
 * all in one statement and one transaction):
 *   queued → processing → completed | failed | cancelled
 * - an older BullMQ attempt than the task's fence → 409 (StaleAttemptError), nothing changes;
 * - a repeat of the current state → 200 with the task, nothing changes (progress may move);
 * - a backward or illegal move → 409 (InvalidTransitionError), nothing changes;
 * - the first `processing` of an attempt is the BullMQ worker's claim; a task an HTTP
 *   pull-worker holds → 409 (TaskClaimedElsewhereError).
 * Output paths are validated here before the call; a refused path answers 400 only where the
 * report would otherwise apply, so a stale attempt still gets 409 and a repeat 200.
 */
import {
  type AppliedJobCallback,
  applyJobCallback,
  type Database,
  getTask,
  MissingOutputsError,
  type Task,
  TaskNotFoundError,
} from '@gpuq/db';
import type { JobCallbackPayload } from '@gpuq/job-types';
import { type OutputOptions, reportedOutputs } from './callback-outputs.js';
import type { TaskOwner, TaskOwnerCache } from './task-owner-cache.js';

export type AppliedCallback = AppliedJobCallback;

export interface ApplyCallbackOptions extends OutputOptions {
  owners: TaskOwnerCache;
}

export async function applyCallback(
  db: Database,
  payload: JobCallbackPayload,
  options: ApplyCallbackOptions,
): Promise<AppliedCallback> {
  const reported = { taskId: payload.jobId, attempt: payload.attempt, workerId: payload.workerId ?? null };
  if (payload.status === 'processing') {
    const applied = await applyJobCallback(db, {
      ...reported,
      status: 'processing',
      progress: payload.progress ?? null,
    });
    options.owners.remember(applied.task);
    return applied;
  }
  let applied: AppliedCallback;
  if (payload.status === 'completed') {
    applied = await applyCompleted(db, payload, options);
  } else {
    const message =
      payload.status === 'failed'
        ? (payload.errorMessage ?? 'the worker reported a failure without a message')
        : (payload.errorMessage ?? 'cancelled');
    applied = await applyJobCallback(db, { ...reported, status: payload.status, message });
  }
  options.owners.forget(payload.jobId);
  return applied;
}

async function applyCompleted(
  db: Database,
  payload: JobCallbackPayload,
  options: ApplyCallbackOptions,
): Promise<AppliedCallback> {
  const reported = { taskId: payload.jobId, attempt: payload.attempt, workerId: payload.workerId ?? null };
  const owner = options.owners.get(payload.jobId) ?? (await readOwner(db, payload.jobId));
  let outputs: ReturnType<typeof reportedOutputs>;
  try {
    outputs = reportedOutputs(owner, payload, options);
  } catch (refused) {
    // Without outputs the function checks the fence and the repeat, then raises MissingOutputs.
    try {
      return await applyJobCallback(db, { ...reported, status: 'completed', outputs: null });
    } catch (error) {
      throw error instanceof MissingOutputsError ? refused : error;
    }
  }
  const enhancedPrompt = payload.enhancedPrompt ?? null;
  return applyJobCallback(db, {
    ...reported,
    status: 'completed',
    outputs,
    outputLocation: `${outputs[0]!.bucket}/${outputs[0]!.path}`,
    result: {
      outputs,
      ...(enhancedPrompt ? { enhancedPrompt } : {}),
      ...(payload.metadata ? { metadata: payload.metadata } : {}),
    },
    enhancedPrompt,
  });
}

async function readOwner(db: Database, taskId: string): Promise<TaskOwner> {
  const task: Task | null = await getTask(db, { taskId });
  if (!task) throw new TaskNotFoundError(`task ${taskId} not found`);
  return task;
}
