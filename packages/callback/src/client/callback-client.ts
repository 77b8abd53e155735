/**
 * The typed client GPU workers use to report a job. Each request is signed with the job's own
 * credential; network errors, 429 and 5xx are retried with backoff until `maxElapsedMs`; any
 * other 4xx is final. The same report sent twice is harmless: the service treats a repeat of the
 * current state as a no-op.
 */
import type { JobCallbackInput, JobRecord } from '@gpuq/job-types';
import { signedHeaders } from '../signing/request-signature.js';
import { CallbackDeliveryError, CallbackRejectedError } from './errors.js';
import { type BackoffOptions, retryDelay } from './retry-delay.js';

export interface CallbackClientOptions extends Partial<BackoffOptions> {
  /** The job-callback URL (CALLBACK_URL). */
  url: string;
  /** Give up after this long. Default 10 minutes: a worker outlives short api restarts. */
  maxElapsedMs?: number;
  /** Per-request timeout. Default 15 s. */
  requestTimeoutMs?: number;
  /** Called before each retry (for logs). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface JobCredential {
  taskId: string;
  callbackToken: string;
  callbackExpiresAt: number;
}

export interface CallbackClient {
  send(job: JobCredential, report: Omit<JobCallbackInput, 'jobId'>, signal?: AbortSignal): Promise<JobRecord>;
}

const RETRYABLE = (status: number) => status === 429 || status >= 500;

export function createCallbackClient(options: CallbackClientOptions): CallbackClient {
  const backoff = { baseDelayMs: options.baseDelayMs ?? 500, maxDelayMs: options.maxDelayMs ?? 30_000 };
  const maxElapsedMs = options.maxElapsedMs ?? 10 * 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;

  return {
    async send(job, report, signal) {
      const rawBody = JSON.stringify({ ...report, jobId: job.taskId });
      const credential = { token: job.callbackToken, expiresAt: job.callbackExpiresAt };
      const started = Date.now();
      let attempt = 0;
      let lastError: unknown;
      while (true) {
        attempt += 1;
        signal?.throwIfAborted();
        try {
          const response = await fetch(options.url, {
            method: 'POST',
            // Re-signed per attempt: the timestamp must be fresh, the body stays identical.
            headers: { 'content-type': 'application/json', ...signedHeaders(credential, rawBody) },
            body: rawBody,
            signal: AbortSignal.any([AbortSignal.timeout(requestTimeoutMs), ...(signal ? [signal] : [])]),
          });
          const body = (await response.json().catch(() => null)) as { job?: JobRecord } | null;
          if (response.ok && body?.job) return body.job;
          if (!RETRYABLE(response.status)) throw new CallbackRejectedError(response.status, body);
          lastError = new Error(`HTTP ${response.status}`);
        } catch (error) {
          if (error instanceof CallbackRejectedError || signal?.aborted) throw error;
          lastError = error;
        }
        const delayMs = retryDelay(attempt, backoff);
        if (Date.now() - started + delayMs > maxElapsedMs) {
          throw new CallbackDeliveryError(attempt, Date.now() - started, { cause: lastError });
        }
        options.onRetry?.({ attempt, delayMs, reason: String((lastError as Error)?.message ?? lastError) });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    },
  };
}
