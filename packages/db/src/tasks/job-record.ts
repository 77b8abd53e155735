/**
 * A task as the public API shows it (`JobRecord`): lower-case status words, progress, outputs as
 * URLs. Queue position, ETA and URL signing need other services, so the caller supplies them.
 */
import { fleetQueueOf, type JobOutput, type JobRecord, jobStatusOf } from '@gpuq/job-types';
import type { Task } from './task.js';

/** An output as a task's `result.outputs` stores it: where the file lives, not a URL. */
export interface StoredOutput {
  kind: JobOutput['kind'];
  bucket: string;
  path: string;
}

export interface TaskResult {
  outputs?: StoredOutput[];
  enhancedPrompt?: string;
}

export interface JobRecordExtras {
  queuePosition?: number | null;
  etaSeconds?: number | null;
  /** Turns a stored output into a URL the caller can open (signed, or public). */
  urlFor(output: StoredOutput): Promise<string>;
}

export function storedOutputs(task: Task): StoredOutput[] {
  const result = task.result as TaskResult | null;
  return Array.isArray(result?.outputs) ? result.outputs : [];
}

function promptOf(task: Task): string | null {
  const prompt = task.params.prompt;
  return typeof prompt === 'string' ? prompt : null;
}

export async function toJobRecord(task: Task, extras: JobRecordExtras): Promise<JobRecord> {
  const status = jobStatusOf(task.status);
  const result = task.result as TaskResult | null;
  const outputs = await Promise.all(
    storedOutputs(task).map(async (output) => ({ kind: output.kind, url: await extras.urlFor(output) })),
  );
  const finished = status === 'completed' || status === 'failed' || status === 'cancelled';
  return {
    id: task.id,
    jobType: task.taskType,
    status,
    progress: status === 'completed' ? 1 : Math.min(Math.max(task.progress ?? 0, 0), 1),
    queue: fleetQueueOf(task.taskType),
    queuePosition: status === 'queued' ? (extras.queuePosition ?? null) : null,
    etaSeconds: finished ? null : (extras.etaSeconds ?? null),
    projectId: task.projectId,
    prompt: promptOf(task),
    enhancedPrompt: typeof result?.enhancedPrompt === 'string' ? result.enhancedPrompt : null,
    outputs,
    error: task.errorMessage,
    attempts: Math.max(task.bullmqAttempt, task.attempts),
    createdAt: task.createdAt.toISOString(),
    startedAt: (task.generationStartedAt ?? task.claimedAt)?.toISOString() ?? null,
    finishedAt: finished ? (task.generationProcessedAt ?? task.updatedAt).toISOString() : null,
  };
}
