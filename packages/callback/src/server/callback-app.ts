/**
 * `POST /functions/v1/job-callback` as a Hono app: queue-api mounts it, and it also runs alone
 * (`gpuq-job-callback`). Order of checks: signature headers present (401) → body names a job
 * (400) → signature valid for that job (401) → payload valid (400) → the state machine.
 */
import { type Database, type Task, toJobRecord } from '@gpuq/db';
import { errorHandler, HttpError } from '@gpuq/http';
import {
  CALLBACK_SIGNATURE_HEADER,
  CALLBACK_TIMESTAMP_HEADER,
  describeValidationError,
  JobCallbackPayload,
  type JobRecord,
} from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import { Hono } from 'hono';
import { CALLBACK_EXPIRES_HEADER, verifySignature } from '../signing/request-signature.js';
import { type AppliedCallback, applyCallback } from './apply-callback.js';
import { TaskOwnerCache } from './task-owner-cache.js';

export const CALLBACK_PATH = '/functions/v1/job-callback';

export interface CallbackAppOptions {
  db: Database;
  /** CALLBACK_SECRET: re-derives each job's credential. */
  callbackSecret: string;
  logger: Logger;
  /** Base URLs of this system's storage (reported URLs are read back as paths). */
  storageBaseUrls?: readonly string[];
  /**
   * How a task is shown in the answer; default: outputs as storage paths, no queue position or
   * ETA (workers read only the status, and the answer costs no query).
   */
  present?(task: Task): Promise<JobRecord>;
  /** Told of every applied callback (metrics, logs). */
  onApplied?(applied: AppliedCallback, payload: JobCallbackPayload): void;
}

function jobIdOf(rawBody: string): string {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch (cause) {
    throw new HttpError(400, 'invalid_request', 'request body is not valid JSON', { cause });
  }
  const jobId = (body as { jobId?: unknown } | null)?.jobId;
  if (typeof jobId !== 'string' || jobId.length === 0) {
    throw new HttpError(400, 'invalid_request', 'jobId: is required', { field: 'jobId' });
  }
  return jobId;
}

const defaultPresent = (task: Task) =>
  toJobRecord(task, { urlFor: async (output) => `${output.bucket}/${output.path}` });

export function createCallbackApp(options: CallbackAppOptions): Hono {
  const present = options.present ?? defaultPresent;
  const owners = new TaskOwnerCache();
  const app = new Hono();
  app.onError(errorHandler(options.logger));
  app.post(CALLBACK_PATH, async (c) => {
    const headers = {
      timestamp: c.req.header(CALLBACK_TIMESTAMP_HEADER),
      signature: c.req.header(CALLBACK_SIGNATURE_HEADER),
      expiresAt: c.req.header(CALLBACK_EXPIRES_HEADER),
    };
    if (!headers.timestamp || !headers.signature || !headers.expiresAt) {
      throw new HttpError(401, 'unauthorized', 'callback is not signed');
    }
    const rawBody = await c.req.text();
    const jobId = jobIdOf(rawBody);
    const problem = verifySignature({ secret: options.callbackSecret, jobId, rawBody, headers });
    if (problem) {
      options.logger.warn({ jobId, problem }, 'callback refused');
      throw new HttpError(401, 'unauthorized', `callback refused: ${problem}`);
    }
    const parsed = JobCallbackPayload.safeParse(JSON.parse(rawBody));
    if (!parsed.success) {
      const { error } = describeValidationError(parsed.error);
      throw new HttpError(400, 'invalid_request', error.message, error.field ? { field: error.field } : {});
    }
    const applied = await applyCallback(options.db, parsed.data, {
      storageBaseUrls: options.storageBaseUrls ?? [],
      owners,
    });
    options.onApplied?.(applied, parsed.data);
    options.logger.info(
      { jobId, status: parsed.data.status, attempt: parsed.data.attempt, changed: applied.changed },
      'callback applied',
    );
    return c.json({ job: await present(applied.task) });
  });
  return app;
}
