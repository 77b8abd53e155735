/**
 * The heart of queue-job, in DESIGN.md section 3's order after authentication and validation:
 * per-user limits (429) → credits reserved and the task inserted in one transaction (402, or the
 * earlier task for a repeated Idempotency-Key) → the BullMQ job added under the task's id. When
 * Redis fails after the commit the task stays Queued and the reconciler enqueues it later: the
 * request is answered 202, neither lost nor charged twice.
 */
import { createHash, randomInt } from 'node:crypto';
import {
  countTasksInFlight,
  createTask,
  ensureDefaultProject,
  ensureProfile,
  getProject,
  type Task,
} from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import { creditCost, type QueueJobRequest, resolveGenerationParams, SEED_MAX } from '@gpuq/job-types';
import type { ApiServices } from '../services.js';

export interface SubmitInput {
  userId: string;
  request: QueueJobRequest;
  /** The raw body: a repeated Idempotency-Key must come with the same one. */
  rawBody: string;
  idempotencyKey?: string;
  /** Admin images: free, first in line, no per-user limits. */
  privileged?: boolean;
}

export interface SubmitResult {
  task: Task;
  /** False: an earlier request with the same Idempotency-Key made this task. */
  created: boolean;
  /** False: committed, but Redis did not take the job (the reconciler will). */
  enqueued: boolean;
}

export async function submitJob(services: ApiServices, input: SubmitInput): Promise<SubmitResult> {
  const { db, env, limiter, logger } = services;
  if (!input.privileged) {
    await limiter.enforce(input.userId);
  }
  await ensureProfile(db, { userId: input.userId, signupCredits: env.GPUQ_SIGNUP_CREDITS });
  if (!input.privileged && (await countTasksInFlight(db, input.userId)) >= env.MAX_JOBS_IN_FLIGHT) {
    throw new HttpError(
      429,
      'rate_limited',
      `at most ${env.MAX_JOBS_IN_FLIGHT} jobs may be queued or running at once`,
      {
        headers: { 'retry-after': '10' },
      },
    );
  }
  const projectId = input.request.projectId
    ? ((await getProject(db, { projectId: input.request.projectId, userId: input.userId }))?.id ?? null)
    : (await ensureDefaultProject(db, { userId: input.userId })).id;
  if (!projectId)
    throw new HttpError(403, 'forbidden', 'projectId is not one of your projects', { field: 'projectId' });

  const generation = resolveGenerationParams(input.request, () => randomInt(0, SEED_MAX));
  const { metadata, videoId, imageId } = input.request;
  const { task, created } = await createTask(db, {
    userId: input.userId,
    projectId,
    taskType: input.request.jobType,
    params: { ...generation, metadata: metadata ?? {}, videoId: videoId ?? null, imageId: imageId ?? null },
    cost: input.privileged ? 0 : creditCost(input.request),
    idempotencyKey: input.idempotencyKey,
    requestHash: input.idempotencyKey ? createHash('sha256').update(input.rawBody).digest('hex') : undefined,
  });
  if (!created) return { task, created, enqueued: true };

  try {
    await services.enqueueTask(task);
    return { task, created, enqueued: true };
  } catch (error) {
    logger.warn(
      { jobId: task.id, err: (error as Error).message },
      'enqueue failed after commit; the reconciler will retry',
    );
    return { task, created, enqueued: false };
  }
}
