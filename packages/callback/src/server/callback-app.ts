/**
 * `POST /functions/v1/job-callback` as a Hono app, with the storage routes for workers below it
 * (`/upload-url`, `/download-url`): queue-api mounts it (it has no process of its own; any
 * Hono host could serve it). Order of checks: signature headers present (401) → body names a job
 * (400) → signature valid for that job (401) → payload valid (400) → the state machine.
 */

import { errorHandler } from '@gpuq/api-errors';
import { type Database, type Task, toJobRecord } from '@gpuq/db';
import { validateOr400 } from '@gpuq/http';
import { JobCallbackPayload, type JobRecord } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import type { Storage } from '@gpuq/storage';
import { Hono } from 'hono';
import { type AppliedCallback, applyCallback } from './apply-callback.js';
import { jobStorageRoutes } from './job-storage-routes.js';
import { readSignedJobRequest } from './signed-job-request.js';
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
  /**
   * The system's storage: completed outputs are checked in its staging bucket and promoted from
   * there (staged-outputs.ts), and the signed-URL routes let a worker without the api's disk store
   * outputs and read inputs (job-storage-routes.ts).
   */
  storage: Storage;
  /** Lifetime of those signed URLs, in seconds. Default 600. */
  storageUrlTtlSeconds?: number;
}

const defaultPresent = (task: Task) =>
  toJobRecord(task, { urlFor: async (output) => `${output.bucket}/${output.path}` });

export function createCallbackApp(options: CallbackAppOptions): Hono {
  const present = options.present ?? defaultPresent;
  const owners = new TaskOwnerCache();
  const app = new Hono();
  app.onError(errorHandler(options.logger));
  app.post(CALLBACK_PATH, async (c) => {
    const { jobId, body } = await readSignedJobRequest(c, options);
    const payload = validateOr400(JobCallbackPayload, body);
    const applied = await applyCallback(options.db, payload, {
      storageBaseUrls: options.storageBaseUrls ?? [],
      owners,
      storage: options.storage,
    });
    options.onApplied?.(applied, payload);
    options.logger.info(
      { jobId, status: payload.status, attempt: payload.attempt, changed: applied.changed },
      'callback applied',
    );
    return c.json({ job: await present(applied.task) });
  });
  jobStorageRoutes(app, CALLBACK_PATH, { ...options, urlTtlSeconds: options.storageUrlTtlSeconds });
  return app;
}
