/**
 * The authentication every job-callback route shares (docs/CALLBACK_PROTOCOL.md): signature headers
 * present (401) → the body is JSON naming a job (400) → the signature verifies with that job's
 * re-derived credential, which is unexpired, under a fresh timestamp (401). What passes was sent
 * by the holder of this job's credential, so the job id in the body can be trusted.
 */
import { CALLBACK_EXPIRES_HEADER, verifySignature } from '@gpuq/callback-client/signing';
import { HttpError, parseJsonText } from '@gpuq/http';
import { CALLBACK_SIGNATURE_HEADER, CALLBACK_TIMESTAMP_HEADER } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import type { Context } from 'hono';

export interface SignedJobRequest {
  jobId: string;
  /** The parsed body; validate it with the route's schema. */
  body: unknown;
}

export async function readSignedJobRequest(
  c: Context,
  options: { callbackSecret: string; logger: Logger },
): Promise<SignedJobRequest> {
  const headers = {
    timestamp: c.req.header(CALLBACK_TIMESTAMP_HEADER),
    signature: c.req.header(CALLBACK_SIGNATURE_HEADER),
    expiresAt: c.req.header(CALLBACK_EXPIRES_HEADER),
  };
  if (!headers.timestamp || !headers.signature || !headers.expiresAt) {
    throw new HttpError(401, 'unauthorized', 'request is not signed with a job credential');
  }
  const rawBody = await c.req.text();
  const body = parseJsonText(rawBody);
  const jobId = (body as { jobId?: unknown } | null)?.jobId;
  if (typeof jobId !== 'string' || jobId.length === 0) {
    throw new HttpError(400, 'invalid_request', 'jobId: is required', { field: 'jobId' });
  }
  const problem = verifySignature({ secret: options.callbackSecret, jobId, rawBody, headers });
  if (problem) {
    options.logger.warn({ jobId, path: c.req.path, problem }, 'signed job request refused');
    throw new HttpError(401, 'unauthorized', `request refused: ${problem}`);
  }
  return { jobId, body };
}
