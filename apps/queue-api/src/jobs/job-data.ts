/**
 * The BullMQ job of a task: ids, resolved parameters and the job's own callback credential (the
 * one secret in job data; it signs callbacks for this job only). Used by queue-job, the
 * reconciler and the admin image route, so all three enqueue the same thing.
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
} from '@gpuq/job-types';

export function jobDataFor(task: Task, callbackSecret: string): QueueJobData {
  const taskType = task.taskType as TaskType;
  const parsed = GenerationParams.safeParse(task.params);
  const generation = parsed.success
    ? parsed.data
    : taskType === 'single_image'
      ? singleImageGenerationParams(task.params, () => randomInt(0, SEED_MAX))
      : null;
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
