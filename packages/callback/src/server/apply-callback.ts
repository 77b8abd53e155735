/**
 * The job state machine (docs/CALLBACK_PROTOCOL.md), applied in one SQL call per callback
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
 * A completion is recorded and its staged files promoted in one transaction (staged-outputs.ts):
 * the call locks the task row, so nothing can cancel it between the record and the move, and a
 * missing, empty or mistyped file (400) rolls the record back. A completion refused because the
 * task is finished or held elsewhere discards its staged files.
 */
import {
  type AppliedJobCallback,
  applyJobCallback,
  type Database,
  getTask,
  InvalidTransitionError,
  MissingOutputsError,
  storedOutputs,
  type Task,
  TaskClaimedElsewhereError,
  TaskNotFoundError,
} from '@gpuq/db';
import type { JobCallbackPayload } from '@gpuq/job-types';
import type { Storage } from '@gpuq/storage';
import { type OutputOptions, type ReportedOutput, reportedOutputs } from './callback-outputs.js';
import {
  discardStagedOutputs,
  type PromotedOutputs,
  promoteLeftovers,
  promoteStagedOutputs,
} from './staged-outputs.js';
import type { TaskOwner, TaskOwnerCache } from './task-owner-cache.js';

export type AppliedCallback = AppliedJobCallback;

export interface ApplyCallbackOptions extends OutputOptions {
  owners: TaskOwnerCache;
  /** Where completed outputs are staged and promoted to. */
  storage: Storage;
}

export async function applyCallback(
  db: Database,
  payload: JobCallbackPayload,
  options: ApplyCallbackOptions,
): Promise<AppliedCallback> {
  const reported = { taskId: payload.jobId, attempt: payload.attempt, workerId: payload.workerId ?? null };
  // A report the worker repeats after a 503 finds itself applied (the function answers a repeat
  // with changed = false), so these go in one round trip: see Database.repeatable.
  if (payload.status === 'processing') {
    const applied = await applyJobCallback(db.repeatable, {
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
    applied = await applyJobCallback(db.repeatable, { ...reported, status: payload.status, message });
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
  let outputs: ReportedOutput[];
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
  const stored = outputs.map(({ output }) => output);
  const enhancedPrompt = payload.enhancedPrompt ?? null;
  const completion = {
    ...reported,
    status: 'completed' as const,
    outputs: stored,
    outputLocation: `${stored[0]!.bucket}/${stored[0]!.path}`,
    result: {
      outputs: stored,
      ...(enhancedPrompt ? { enhancedPrompt } : {}),
      ...(payload.metadata ? { metadata: payload.metadata } : {}),
    },
    enhancedPrompt,
  };
  let promoted: PromotedOutputs | undefined;
  try {
    const applied = await db.transaction(async (tx) => {
      const applied = await applyJobCallback(tx, completion);
      // A repeat changes nothing: the first accepted report promoted the files.
      if (applied.changed) promoted = await promoteStagedOutputs(options.storage, outputs);
      return applied;
    });
    if (!applied.changed && applied.task.status === 'Complete') {
      await promoteLeftovers(options.storage, storedOutputs(applied.task));
    }
    return applied;
  } catch (error) {
    // Not recorded (a failed commit): the files go back where nobody reads them.
    await promoted?.undo();
    if (error instanceof InvalidTransitionError || error instanceof TaskClaimedElsewhereError) {
      await discardStagedOutputs(options.storage, outputs);
    }
    throw error;
  }
}

async function readOwner(db: Database, taskId: string): Promise<TaskOwner> {
  const task: Task | null = await getTask(db, { taskId });
  if (!task) throw new TaskNotFoundError(`task ${taskId} not found`);
  return task;
}
