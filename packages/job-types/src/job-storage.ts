/**
 * The job-callback service's storage endpoints (docs/ARCHITECTURE.md, storage for workers that
 * share no disk with the api): a worker that holds only its job's callback credential asks for short-lived signed URLs
 * and moves the bytes itself, so a GPU host needs neither the api's disk nor a storage key. Both
 * requests are signed exactly like a callback (the body names the job).
 */
import { z } from 'zod';

/** `POST /functions/v1/job-callback/upload-url`: where to PUT one output of the job. */
export const JobUploadUrlRequest = z
  .object({
    jobId: z.uuid(),
    /**
     * A plain file name; the object is `<userId>/<taskId>/<filename>` in the staging bucket, moved to
     * the job's bucket when its completed report is accepted.
     */
    filename: z.string().min(1).max(255),
    /** The `Content-Type` the PUT will send; an image or video type. */
    contentType: z.string().min(1).max(200),
  })
  .meta({ id: 'JobUploadUrlRequest' });
export type JobUploadUrlRequest = z.infer<typeof JobUploadUrlRequest>;

/** `POST /functions/v1/job-callback/download-url`: a stored object inside the job owner's folder. */
export const JobDownloadUrlRequest = z
  .object({
    jobId: z.uuid(),
    bucket: z.string().min(1).max(63),
    /** `<userId>/<...>` of the job's owner; any bucket. */
    path: z.string().min(1).max(1024),
  })
  .meta({ id: 'JobDownloadUrlRequest' });
export type JobDownloadUrlRequest = z.infer<typeof JobDownloadUrlRequest>;

/** The answer to both: a URL that does one thing to one object until `expiresAt`. */
export const JobStorageUrl = z
  .object({
    /** upload-url: PUT the bytes here with `contentType`; download-url: GET it. */
    url: z.url(),
    bucket: z.string(),
    path: z.string(),
    /** ISO 8601. */
    expiresAt: z.iso.datetime(),
    /** download-url only: what `stat` would say, so a worker needs no second request. */
    size: z.number().int().nonnegative().optional(),
    contentType: z.string().optional(),
  })
  .meta({ id: 'JobStorageUrl' });
export type JobStorageUrl = z.infer<typeof JobStorageUrl>;

/** The endpoints' paths below the job-callback URL (`CALLBACK_URL/upload-url`, `.../download-url`). */
export const JOB_UPLOAD_URL_ROUTE = 'upload-url';
export const JOB_DOWNLOAD_URL_ROUTE = 'download-url';
