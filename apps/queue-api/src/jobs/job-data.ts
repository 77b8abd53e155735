/**
 * The BullMQ job of a task: ids, resolved parameters and the job's own callback credential (the
 * one secret in job data; it signs callbacks for this job only). Used by jobs/enqueue-task.ts
 * (queue-job, the reconciler, the admin image route and the protocol dispatcher), which adds a
 * travel task's inputs.
 *
 * A queue-job task's params are its GenerationParams, resolved at submission. A protocol task's
 * params were written by a client, so they become job data only through their own mapper
 * (protocolJob: queue-job's bounds, unknown keys dropped); never by reading them as
 * GenerationParams, which would let a client choose its own steps, images or frames.
 */
import { randomInt } from 'node:crypto';
import { issueCallbackCredential } from '@gpuq/callback-client/signing';
import type { Task } from '@gpuq/db';
import {
  describeValidationError,
  GenerationParams,
  isJobType,
  protocolJob,
  type QueueJobData,
  SEED_MAX,
  type TaskType,
  taskSpec,
} from '@gpuq/job-types';
import { TaskInputError } from '@gpuq/task-protocol';
import type { z } from 'zod';

interface JobInputs {
  generation: GenerationParams | null;
  params: Record<string, unknown>;
}

function jobInputs(task: Task, taskType: TaskType): JobInputs {
  if (isJobType(taskType)) {
    const generation = GenerationParams.safeParse(task.params);
    if (generation.success) return { generation: generation.data, params: task.params };
    throw unusable(task, generation.error);
  }
  const job = protocolJob(taskType, task.params, () => randomInt(0, SEED_MAX));
  if (job.success) return { generation: job.data.generation, params: job.data.params };
  throw unusable(task, job.error);
}

function unusable(task: Task, zodError: z.ZodError): TaskInputError {
  const { error } = describeValidationError(zodError);
  return new TaskInputError(task.id, task.taskType, `params.${error.message}`);
}

/** @throws TaskInputError for a task whose stored params map to no bounded work. */
export function jobDataFor(task: Task, callbackSecret: string): QueueJobData {
  const taskType = task.taskType as TaskType;
  const { generation, params } = jobInputs(task, taskType);
  const credential = issueCallbackCredential(callbackSecret, task.id);
  return {
    taskId: task.id,
    taskType,
    userId: task.userId,
    projectId: task.projectId,
    generation,
    params,
    bucket: taskSpec(taskType).bucket,
    callbackToken: credential.token,
    callbackExpiresAt: credential.expiresAt,
  };
}
