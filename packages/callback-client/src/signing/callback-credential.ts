/**
 * Per-job callback credentials (docs/CALLBACK_PROTOCOL.md). The api derives a job's credential from
 * CALLBACK_SECRET, the job id and an expiry; the worker keys its request signatures with it. The
 * service re-derives it from the same three inputs, so it stores nothing and a credential for one
 * job can sign nothing for another.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CALLBACK_TOKEN_TTL_SECONDS } from '@gpuq/job-types';

export interface CallbackCredential {
  /** The string placed in the job data as `callbackToken`. */
  token: string;
  /** Unix seconds; the worker sends it with each request (it is not secret). */
  expiresAt: number;
}

export function deriveCallbackToken(secret: string, jobId: string, expiresAt: number): string {
  const mac = createHmac('sha256', secret)
    .update(`gpuq-callback:v1:${jobId}:${expiresAt}`)
    .digest('base64url');
  return `v1.${mac}`;
}

export function issueCallbackCredential(
  secret: string,
  jobId: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  ttlSeconds = CALLBACK_TOKEN_TTL_SECONDS,
): CallbackCredential {
  const expiresAt = nowSeconds + ttlSeconds;
  return { token: deriveCallbackToken(secret, jobId, expiresAt), expiresAt };
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
