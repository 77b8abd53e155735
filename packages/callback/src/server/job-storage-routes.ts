/**
 * Storage for workers that share no disk with the api and hold no storage key (remote GPU fleets):
 *
 *   POST /functions/v1/job-callback/upload-url    { jobId, filename, contentType }
 *     → a signed PUT URL for `<userId>/<taskId>/<filename>` in the staging bucket
 *   POST /functions/v1/job-callback/download-url  { jobId, bucket, path }
 *     → a signed GET URL (with size and content type) for an object inside the job owner's folder
 *
 * Authenticated exactly like a callback (readSignedJobRequest), so a job's credential reaches its
 * own outputs folder and its owner's files and nothing else. The URLs come from the configured
 * Storage (the local routes or Supabase) and expire after `urlTtlSeconds`: long enough to start a
 * transfer, short enough that a leaked URL is soon worthless. Errors: 400 bad filename or path,
 * 403 a path outside the owner's folder, 404 unknown job or missing object, 409 finished job,
 * 415 content type.
 */
import { type Database, getTask, type Task } from '@gpuq/db';
import { HttpError, validateOr400 } from '@gpuq/http';
import {
  isTaskFinished,
  JOB_DOWNLOAD_URL_ROUTE,
  JOB_UPLOAD_URL_ROUTE,
  JobDownloadUrlRequest,
  type JobStorageUrl,
  JobUploadUrlRequest,
} from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import {
  assertBucketName,
  assertFileName,
  assertOwnedPath,
  InvalidStoragePath,
  isStorableMediaType,
  ownerPath,
  STAGING_BUCKET,
  STORABLE_MEDIA_TYPES_TEXT,
  type Storage,
  StorageObjectNotFound,
} from '@gpuq/storage';
import type { Hono } from 'hono';
import { readSignedJobRequest } from './signed-job-request.js';

export interface JobStorageOptions {
  db: Database;
  callbackSecret: string;
  logger: Logger;
  /** The system's storage; absent, both routes answer 404 naming the missing configuration. */
  storage?: Storage;
  /** Lifetime of the signed URLs handed out, in seconds. Default 600. */
  urlTtlSeconds?: number;
}

export const DEFAULT_JOB_STORAGE_URL_TTL_SECONDS = 600;

export function jobStorageRoutes(app: Hono, base: string, options: JobStorageOptions): void {
  const ttl = options.urlTtlSeconds ?? DEFAULT_JOB_STORAGE_URL_TTL_SECONDS;

  app.post(`${base}/${JOB_UPLOAD_URL_ROUTE}`, async (c) => {
    const { body } = await readSignedJobRequest(c, options);
    const request = validateOr400(JobUploadUrlRequest, body);
    const storage = configured(options.storage);
    const task = await openTask(options.db, request.jobId);
    const filename = checkedPath('filename', () => assertFileName(request.filename));
    if (!isStorableMediaType(request.contentType)) {
      throw new HttpError(
        415,
        'invalid_request',
        `contentType: ${request.contentType.slice(0, 100)} is not allowed (allowed: ${STORABLE_MEDIA_TYPES_TEXT})`,
        { field: 'contentType' },
      );
    }
    // Outputs wait in staging until the completed report is accepted (apply-callback.ts).
    const bucket = STAGING_BUCKET;
    const path = ownerPath(task.userId, task.id, filename);
    // The store may refuse names the path rules allow (the local store's reserved suffixes).
    const upload = await checkedPath('filename', () =>
      storage.signedUploadUrl(bucket, path, ttl, { contentType: request.contentType }),
    );
    options.logger.info({ jobId: task.id, bucket, path }, 'upload URL issued to a worker');
    return c.json({
      url: upload.url,
      bucket,
      path,
      expiresAt: upload.expiresAt.toISOString(),
    } satisfies JobStorageUrl);
  });

  app.post(`${base}/${JOB_DOWNLOAD_URL_ROUTE}`, async (c) => {
    const { body } = await readSignedJobRequest(c, options);
    const request = validateOr400(JobDownloadUrlRequest, body);
    const storage = configured(options.storage);
    const task = await openTask(options.db, request.jobId);
    const bucket = checkedPath('bucket', () => assertBucketName(request.bucket));
    const path = checkedPath('path', () => assertOwnedPath(task.userId, request.path));
    const info = await storage.stat(bucket, path).catch((error: unknown) => {
      if (!(error instanceof StorageObjectNotFound)) throw error;
      throw new HttpError(404, 'not_found', `path: no object ${bucket}/${path}`, {
        field: 'path',
        cause: error,
      });
    });
    const expiresAt = new Date(Date.now() + ttl * 1000);
    const url = await storage.signedUrl(bucket, path, ttl);
    options.logger.info({ jobId: task.id, bucket, path }, 'download URL issued to a worker');
    return c.json({
      url,
      bucket,
      path,
      expiresAt: expiresAt.toISOString(),
      size: info.size,
      contentType: info.contentType,
    } satisfies JobStorageUrl);
  });
}

function configured(storage: Storage | undefined): Storage {
  if (storage) return storage;
  throw new HttpError(404, 'not_found', 'this job-callback service has no storage configured');
}

/** The job's task, while it may still touch storage; 404 unknown, 409 finished. */
// A job can read and write only while it can still report: as a callback would be answered.
async function openTask(db: Database, jobId: string): Promise<Task> {
  const task = await getTask(db, { taskId: jobId });
  if (!task) throw new HttpError(404, 'not_found', `job ${jobId} not found`, { field: 'jobId' });
  if (isTaskFinished(task.status)) {
    throw new HttpError(409, 'conflict', `job ${jobId} is already ${task.status}: its storage is closed`, {
      field: 'jobId',
    });
  }
  return task;
}

/**
 * Runs a path rule (or a store call that applies them) and answers its refusal as the field's
 * problem: 403 for somebody else's folder or none at all, 400 for a malformed name.
 */
function checkedPath<T>(field: string, check: () => T): T {
  const refuse = (error: unknown): never => {
    if (!(error instanceof InvalidStoragePath)) throw error;
    const outside = error.reason === 'foreign_owner' || error.reason === 'missing_owner';
    const message = outside ? `${error.message} (a job reads only its owner's folder)` : error.message;
    throw new HttpError(
      outside ? 403 : 400,
      outside ? 'forbidden' : 'invalid_request',
      `${field}: ${message}`,
      {
        field,
        cause: error,
      },
    );
  };
  try {
    const result = check();
    return (result instanceof Promise ? result.catch(refuse) : result) as T;
  } catch (error) {
    return refuse(error);
  }
}
