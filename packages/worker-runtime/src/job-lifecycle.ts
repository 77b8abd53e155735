/**
 * One job from a worker's point of view (docs/CALLBACK_PROTOCOL.md):
 * 1. `processing` callback = the claim. 409 (an HTTP worker holds it, it is finished or
 *    cancelled, or a newer attempt took over) means drop the job and do nothing.
 * 2. Run the model with progress (BullMQ progress every step, a callback at most once a second).
 *    A 409 to a progress report (the task was cancelled or failed by its owner, stopped with its
 *    travel, or taken over by a newer attempt) aborts the run between steps: nothing is stored.
 * 3. Store the files under the owner's prefix in staging and report `completed`; the service makes
 *    them visible when it accepts the report. A 409 to it drops the job (no retry).
 * Failures: bad input (UnrecoverableError) or the last attempt → `failed` (refunded); otherwise
 * the error goes back to BullMQ, which retries, and the next attempt's claim fences this one off.
 * Cancellation aborts between steps and ends quietly (the api already marked the task).
 * Shutdown past the grace period hands the job back to the queue.
 */
import { type CallbackClient, CallbackRejectedError } from '@gpuq/callback-client';
import { CALLBACK_TEXT_MAX_CHARS } from '@gpuq/job-types';
import type { GpuqJob } from '@gpuq/queue';
import { UnrecoverableError } from 'bullmq';
import { DeviceLostError, type GenerationModel } from './generation-model.js';
import type { JobContext } from './job-context.js';
import { measurePeakMemory } from './peak-memory.js';
import { reportableText } from './reportable-text.js';
import type { StorageForJob } from './storage/worker-storage.js';
import { callbackOutputs, storeOutputs } from './store-outputs.js';

export const CANCELLED_BY_USER = 'cancelled';
export const SHUTTING_DOWN = 'worker shutting down';
export const REFUSED_BY_API = 'the api refused a report of this job (409)';

export interface LifecycleDeps {
  model: GenerationModel;
  callbacks: CallbackClient;
  /** The storage a job reads inputs from and stores outputs in (worker-storage.ts). */
  storageFor: StorageForJob;
  /** Called after a DeviceLostError was handed back: the process should exit non-zero. */
  onDeviceLost(error: DeviceLostError): void;
  /** Minimum interval between progress callbacks. Default 1 s. */
  progressIntervalMs?: number;
}

export type JobOutcome =
  | { outcome: 'completed'; paths: string[] }
  | { outcome: 'dropped'; reason: string }
  | { outcome: 'cancelled' };

/** BullMQ counts a lease lost to a crash in attemptsStarted; the fence must see it too. */
export function attemptOf(job: GpuqJob): number {
  return Math.max(job.attemptsStarted, job.attemptsMade + 1);
}

export function jobProcessor(deps: LifecycleDeps) {
  return async function processJob(job: GpuqJob, context: JobContext): Promise<JobOutcome> {
    const { logger, workerId } = context;
    const attempt = attemptOf(job);
    const report = { attempt, workerId };
    // Aborted by the first 409 to a report: the task is no longer this attempt's to finish.
    const refusal = new AbortController();
    const signal = AbortSignal.any([context.signal, refusal.signal]);
    const storage = deps.storageFor(job.data, signal);
    const dropped = (): JobOutcome => ({ outcome: 'dropped', reason: String(refusal.signal.reason) });
    try {
      await deps.callbacks.send(job.data, { status: 'processing', ...report });
    } catch (error) {
      if (error instanceof CallbackRejectedError && error.isConflict) {
        logger.warn({ body: error.body }, 'task is held elsewhere, finished or cancelled: dropping the job');
        return { outcome: 'dropped', reason: JSON.stringify(error.body) };
      }
      throw error;
    }

    // Operators see which worker holds the job in Bull Board's job data.
    await job.updateData({ ...job.data, workerId }).catch(() => {});

    let lastProgressAt = 0;
    const onProgress = (fraction: number) => {
      void job.updateProgress(Math.round(fraction * 1000) / 10).catch(() => {});
      const now = Date.now();
      if (now - lastProgressAt < (deps.progressIntervalMs ?? 1_000) || fraction >= 1) return;
      lastProgressAt = now;
      deps.callbacks
        .send(job.data, { status: 'processing', ...report, progress: fraction })
        .catch((error: unknown) => {
          if (error instanceof CallbackRejectedError && error.isConflict) {
            if (!refusal.signal.aborted) {
              logger.warn(
                { body: error.body },
                'progress refused: the task is closed to this attempt; stopping',
              );
            }
            refusal.abort(JSON.stringify(error.body) || REFUSED_BY_API);
            return;
          }
          logger.debug({ err: (error as Error).message }, 'progress callback not delivered');
        });
    };

    let result: Awaited<ReturnType<GenerationModel['run']>>;
    const peakMemory = measurePeakMemory();
    try {
      result = await deps.model.run(job.data, { signal, onProgress, logger, storage });
    } catch (error) {
      if (refusal.signal.aborted) return dropped();
      if (signal.aborted && signal.reason !== SHUTTING_DOWN) {
        logger.info('job cancelled between steps');
        return { outcome: 'cancelled' };
      }
      if (signal.aborted || error instanceof DeviceLostError) {
        // Handed back: BullMQ retries it on a worker whose device is healthy.
        if (error instanceof DeviceLostError) deps.onDeviceLost(error);
        throw error;
      }
      const message = (error as Error).message || String(error);
      const final = error instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      if (final) {
        await deps.callbacks
          .send(job.data, {
            status: 'failed',
            ...report,
            errorMessage: reportableText(message, CALLBACK_TEXT_MAX_CHARS.errorMessage),
          })
          .catch((reportError: unknown) => {
            logger.error({ err: (reportError as Error).message }, 'could not report the failure');
          });
      }
      throw error;
    }

    // A model that finished its last step after the refusal still stores nothing.
    if (refusal.signal.aborted) return dropped();
    const stored = await storeOutputs(storage, job.data, result.files).catch((error: unknown) => {
      if (refusal.signal.aborted) return null;
      throw error;
    });
    if (!stored) return dropped();
    try {
      await deps.callbacks.send(job.data, {
        status: 'completed',
        ...report,
        ...callbackOutputs(stored),
        ...(result.enhancedPrompt
          ? { enhancedPrompt: reportableText(result.enhancedPrompt, CALLBACK_TEXT_MAX_CHARS.enhancedPrompt) }
          : {}),
        metadata: { ...result.metadata, peakMemoryBytes: peakMemory() },
      });
    } catch (error) {
      if (error instanceof CallbackRejectedError && error.isConflict) {
        logger.warn({ body: error.body }, 'completion refused: the task is closed to this attempt');
        return { outcome: 'dropped', reason: JSON.stringify(error.body) };
      }
      throw error;
    }
    return { outcome: 'completed', paths: stored.map((file) => file.path) };
  };
}
