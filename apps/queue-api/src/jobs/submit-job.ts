/**
 * The heart of queue-job (docs/ARCHITECTURE.md, "queue-job, end to end"), after authentication
 * and validation: the rate limit (429, Redis) → one Postgres call (public.submit_job) for the profile, the
 * in-flight cap (429), the project (403), the credit reservation (402) and the task row (or the
 * earlier task for a repeated Idempotency-Key) → the BullMQ job added under the task's id. When
 * Redis fails after the commit the task stays Queued and the reconciler enqueues it later: the
 * request is answered 202, neither lost nor charged twice.
 */
import { createHash, randomInt } from 'node:crypto';
import { ProjectNotFoundError, submitJobTask, type Task } from '@gpuq/db';
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
  /**
   * Settles once the job is added: false when Redis did not take it after the commit (the
   * reconciler will). Never rejects. Returned unsettled so that a caller can read the job's place
   * in line while it is being added (queue-position.ts answers either way round).
   */
  enqueued: Promise<boolean>;
}

export async function submitJob(services: ApiServices, input: SubmitInput): Promise<SubmitResult> {
  const { db, env, workLimits, logger } = services;
  if (!input.privileged) {
    await workLimits.rateLimit(input.userId);
  }
  const generation = resolveGenerationParams(input.request, () => randomInt(0, SEED_MAX));
  const { jobType, metadata, videoId, imageId, projectId } = input.request;
  // With an Idempotency-Key a retry after a lost answer returns the same task, so the call may go
  // in one round trip with its COMMIT (Database.repeatable); without one, a 503 answered for a
  // committed job would make the retry a second job, so the COMMIT is sent, and awaited, apart.
  const submitted = await submitJobTask(input.idempotencyKey ? db.repeatable : db, {
    userId: input.userId,
    projectId: projectId ?? null,
    taskType: jobType,
    params: { ...generation, metadata: metadata ?? {}, videoId: videoId ?? null, imageId: imageId ?? null },
    cost: input.privileged ? 0 : creditCost(input.request),
    signupCredits: env.GPUQ_SIGNUP_CREDITS,
    maxInFlight: input.privileged ? null : workLimits.maxInFlight,
    idempotencyKey: input.idempotencyKey,
    requestHash: input.idempotencyKey ? createHash('sha256').update(input.rawBody).digest('hex') : undefined,
  }).catch((error: unknown) => {
    throw submitError(error);
  });
  const { task, created } = submitted;
  if (!created) return { task, created, enqueued: Promise.resolve(true) };
  const enqueued = services.enqueueTask(task).then(
    () => true,
    (error: unknown) => {
      logger.warn(
        { jobId: task.id, err: (error as Error).message },
        'enqueue failed after commit; the reconciler will retry',
      );
      return false;
    },
  );
  return { task, created, enqueued };
}

/**
 * queue-job names the field of a foreign project; other errors (the in-flight cap's 429 among
 * them, shared with create-task) map in the error handler.
 */
function submitError(error: unknown): unknown {
  if (error instanceof ProjectNotFoundError) {
    return new HttpError(403, 'forbidden', 'projectId is not one of your projects', {
      field: 'projectId',
      cause: error,
    });
  }
  return error;
}
