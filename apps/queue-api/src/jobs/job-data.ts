/**
 * The BullMQ job of a task: ids, resolved parameters and the job's own callback credential (the
 * one secret in job data; it signs callbacks for this job only). Used by services.enqueueTask
 * (queue-job, the reconciler, the admin image route and the protocol dispatcher), which adds a
 * travel task's inputs.
 */

import { randomInt } from 'node:crypto';
import { issueCallbackCredential } from '@gpuq/callback/signing';
import type { Task } from '@gpuq/db';
import {
  GenerationParams,
  type QueueJobData,
  SEED_MAX,
  singleImageGenerationParams,
  type TaskType,
  taskSpec,
  travelSegmentGenerationParams,
} from '@gpuq/job-types';

/** Protocol task types whose params are turned into generation parameters for our fleets. */
const PROTOCOL_GENERATION: Partial<
  Record<TaskType, (params: Record<string, unknown>) => GenerationParams | null>
> = {
  single_image: (params) => singleImageGenerationParams(params, () => randomInt(0, SEED_MAX)),
  travel_segment: travelSegmentGenerationParams,
};

export function jobDataFor(task: Task, callbackSecret: string): QueueJobData {
  const taskType = task.taskType as TaskType;
  const parsed = GenerationParams.safeParse(task.params);
  const generation = parsed.success ? parsed.data : (PROTOCOL_GENERATION[taskType]?.(task.params) ?? null);
  const credential = issueCallbackCredential(callbackSecret, task.id);
  return {
    taskId: task.id,
    taskType,
    userId: task.userId,
    projectId: task.projectId,
    generation,
    params: task.params,
    bucket: taskSpec(taskType).bucket,
    callbackToken: credential.token,
    callbackExpiresAt: credential.expiresAt,
  };
}
