/**
 * The typed client GPU workers use to talk to the job-callback service: report a job (`send`), and
 * ask for signed storage URLs (`uploadUrl`, `downloadUrl`) so a worker with no shared disk and no
 * storage key can store outputs and read inputs; `transfer` then moves the bytes to or from such a
 * URL. Each service request is signed with the job's own credential; everything is retried by the
 * one loop in retrying-fetch.ts. The same report sent twice is harmless: the service treats a
 * repeat of the current state as a no-op.
 */
import {
  JOB_DOWNLOAD_URL_ROUTE,
  JOB_UPLOAD_URL_ROUTE,
  type JobCallbackInput,
  type JobDownloadUrlRequest,
  type JobRecord,
  JobStorageUrl,
  type JobUploadUrlRequest,
} from '@gpuq/job-types';
import { signedHeaders } from '../signing/request-signature.js';
import { CallbackRejectedError } from './errors.js';
import { createJsonPoster } from './json-post.js';
import type { BackoffOptions } from './retry-delay.js';
import { type RetryPolicy, retryingFetch } from './retrying-fetch.js';

export interface CallbackClientOptions extends Partial<BackoffOptions> {
  /** The job-callback URL (CALLBACK_URL); the storage endpoints are below it. */
  url: string;
  /** Give up after this long. Default 10 minutes: a worker outlives short api restarts. */
  maxElapsedMs?: number;
  /** Per-request timeout of service requests. Default 15 s. */
  requestTimeoutMs?: number;
  /**
   * How long a signed-URL transfer may take until the answer's headers (an upload sends its whole
   * body first). Default 10 minutes: a long video over a slow link.
   */
  transferTimeoutMs?: number;
  /** Called before each retry (for logs). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export interface JobCredential {
  taskId: string;
  callbackToken: string;
  callbackExpiresAt: number;
}

/** A request to a signed storage URL: the URL is the credential, so nothing is signed here. */
export interface TransferRequest {
  method: 'GET' | 'PUT';
  headers?: Record<string, string>;
  /** Bytes in memory, so a retry can send them again. */
  body?: Uint8Array;
}

export interface CallbackClient {
  send(job: JobCredential, report: Omit<JobCallbackInput, 'jobId'>, signal?: AbortSignal): Promise<JobRecord>;
  /** A signed PUT URL for `<userId>/<taskId>/<filename>` in the staging bucket. */
  uploadUrl(
    job: JobCredential,
    file: Omit<JobUploadUrlRequest, 'jobId'>,
    signal?: AbortSignal,
  ): Promise<JobStorageUrl>;
  /** A signed GET URL (with size and content type) for an object in the job owner's folder. */
  downloadUrl(
    job: JobCredential,
    object: Omit<JobDownloadUrlRequest, 'jobId'>,
    signal?: AbortSignal,
  ): Promise<JobStorageUrl>;
  /** Sends a request to a signed storage URL; the successful response's body is left unread. */
  transfer(url: string, request: TransferRequest, signal?: AbortSignal): Promise<Response>;
}

export function createCallbackClient(options: CallbackClientOptions): CallbackClient {
  const policy: RetryPolicy = {
    baseDelayMs: options.baseDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    maxElapsedMs: options.maxElapsedMs ?? 10 * 60_000,
    onRetry: options.onRetry,
  };
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const transferTimeoutMs = options.transferTimeoutMs ?? 10 * 60_000;
  const base = options.url.replace(/\/+$/, '');
  const poster = createJsonPoster();

  /** A JSON POST signed with the job's credential; the body names the job, as the service checks. */
  async function postSigned(url: string, job: JobCredential, payload: object, signal?: AbortSignal) {
    const rawBody = JSON.stringify({ ...payload, jobId: job.taskId });
    const credential = { token: job.callbackToken, expiresAt: job.callbackExpiresAt };
    return poster.post(
      'job-callback',
      () => ({
        url,
        // Re-signed per attempt: the timestamp must be fresh, the body stays identical.
        headers: { 'content-type': 'application/json', ...signedHeaders(credential, rawBody) },
        body: rawBody,
      }),
      { policy, timeoutMs: requestTimeoutMs, signal },
    );
  }

  async function storageUrl(route: string, job: JobCredential, payload: object, signal?: AbortSignal) {
    const body = await postSigned(`${base}/${route}`, job, payload, signal);
    const parsed = JobStorageUrl.safeParse(body);
    // A 200 that is not our answer (a proxy's page): nothing a retry of ours would fix.
    if (!parsed.success) throw new CallbackRejectedError(200, body);
    return parsed.data;
  }

  return {
    async send(job, report, signal) {
      const body = (await postSigned(base, job, report, signal)) as { job?: JobRecord } | null;
      if (!body?.job) throw new CallbackRejectedError(200, body);
      return body.job;
    },
    uploadUrl: (job, file, signal) => storageUrl(JOB_UPLOAD_URL_ROUTE, job, file, signal),
    downloadUrl: (job, object, signal) => storageUrl(JOB_DOWNLOAD_URL_ROUTE, job, object, signal),
    transfer: (url, request, signal) =>
      retryingFetch(
        'storage',
        () => ({
          url,
          init: {
            method: request.method,
            headers: request.headers,
            // A fresh view per attempt; the bytes are not copied.
            ...(request.body ? { body: request.body } : {}),
          },
        }),
        { policy, timeoutMs: transferTimeoutMs, signal },
      ),
  };
}
