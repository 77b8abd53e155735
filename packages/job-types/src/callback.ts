/**
 * `POST /functions/v1/job-callback`: what a worker reports about one job, and the headers that sign
 * it (docs/CALLBACK_PROTOCOL.md).
 */
import { z } from 'zod';
import { INT32_MAX } from './limits.js';

export const CALLBACK_TIMESTAMP_HEADER = 'x-gpuq-timestamp';
export const CALLBACK_SIGNATURE_HEADER = 'x-gpuq-signature';
/** Signed requests older than this are refused (replay window). */
export const CALLBACK_MAX_SKEW_SECONDS = 300;
/** A job's callback credential lives this long after enqueue. */
export const CALLBACK_TOKEN_TTL_SECONDS = 24 * 60 * 60;

export const CallbackStatus = z.enum(['processing', 'completed', 'failed', 'cancelled']);
export type CallbackStatus = z.infer<typeof CallbackStatus>;

const StoragePath = z.string().min(1).max(1024);

/** Bounds of a report's free-text fields; workers cut their text to fit (`@gpuq/worker-runtime`). */
export const CALLBACK_TEXT_MAX_CHARS = { errorMessage: 4000, enhancedPrompt: 8000 } as const;

export const JobCallbackPayload = z
  .object({
    jobId: z.uuid(),
    status: CallbackStatus,
    /** BullMQ attempt (attemptsMade + 1 when it started). Older attempts are fenced off. */
    attempt: z.number().int().positive().max(INT32_MAX).default(1),
    workerId: z.string().min(1).max(200).optional(),
    filePath: StoragePath.optional(),
    outputUrl: StoragePath.optional(),
    posterPath: StoragePath.optional(),
    errorMessage: z.string().max(CALLBACK_TEXT_MAX_CHARS.errorMessage).optional(),
    enhancedPrompt: z.string().max(CALLBACK_TEXT_MAX_CHARS.enhancedPrompt).optional(),
    imageUrls: z.array(StoragePath).max(16).optional(),
    /** Stored as a Postgres `real`: rounded to its precision, so 6e-323 is 0 rather than an underflow. */
    progress: z.number().min(0).max(1).transform(Math.fround).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'JobCallbackPayload' });
export type JobCallbackPayload = z.infer<typeof JobCallbackPayload>;
export type JobCallbackInput = z.input<typeof JobCallbackPayload>;
