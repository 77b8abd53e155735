/**
 * Signatures over one callback request: `v1=<hex HMAC-SHA256("<timestamp>.<raw body>")>` keyed with
 * the UTF-8 bytes of the job's credential. The timestamp bounds replays to a five-minute window;
 * within it an identical request is an idempotent repeat by design.
 */
import { createHmac } from 'node:crypto';
import {
  CALLBACK_MAX_SKEW_SECONDS,
  CALLBACK_SIGNATURE_HEADER,
  CALLBACK_TIMESTAMP_HEADER,
} from '@gpuq/job-types';
import { constantTimeEqual, deriveCallbackToken } from './callback-credential.js';

/** Not secret: lets the service re-derive the credential without storing it. */
export const CALLBACK_EXPIRES_HEADER = 'x-gpuq-credential-expires';

export function signBody(token: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac('sha256', Buffer.from(token, 'utf8')).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export function signedHeaders(
  credential: { token: string; expiresAt: number },
  rawBody: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Record<string, string> {
  return {
    [CALLBACK_TIMESTAMP_HEADER]: String(nowSeconds),
    [CALLBACK_SIGNATURE_HEADER]: signBody(credential.token, nowSeconds, rawBody),
    [CALLBACK_EXPIRES_HEADER]: String(credential.expiresAt),
  };
}

export type SignatureProblem =
  | 'missing signature headers'
  | 'malformed timestamp'
  | 'stale timestamp'
  | 'credential expired'
  | 'bad signature';

export interface VerifyInput {
  secret: string;
  /** The job the body names; the credential is re-derived for it. */
  jobId: string;
  rawBody: string;
  headers: { timestamp?: string | null; signature?: string | null; expiresAt?: string | null };
  nowSeconds?: number;
}

/** Returns null when the request is authentic, else what is wrong with it. */
export function verifySignature(input: VerifyInput): SignatureProblem | null {
  const { timestamp, signature, expiresAt } = input.headers;
  if (!timestamp || !signature || !expiresAt) return 'missing signature headers';
  if (!/^\d{1,12}$/.test(timestamp) || !/^\d{1,12}$/.test(expiresAt)) return 'malformed timestamp';
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > CALLBACK_MAX_SKEW_SECONDS) return 'stale timestamp';
  if (Number(expiresAt) < now) return 'credential expired';
  const token = deriveCallbackToken(input.secret, input.jobId, Number(expiresAt));
  const expected = signBody(token, Number(timestamp), input.rawBody);
  return constantTimeEqual(expected, signature) ? null : 'bad signature';
}
