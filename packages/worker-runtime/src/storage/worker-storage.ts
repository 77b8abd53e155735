/**
 * Which storage a worker's jobs use (WORKER_STORAGE): `local`, the files under GPUQ_DATA_DIR that
 * the api on the same machine serves; or `api`, signed URLs from the job-callback service, for GPU
 * hosts that share no disk with the api. A factory per job, because the api backend acts with the
 * job's own credential.
 */
import { join } from 'node:path';
import type { CallbackClient } from '@gpuq/callback-client';
import type { QueueJobData } from '@gpuq/job-types';
import { LocalFileStorage, type Storage } from '@gpuq/storage';
import { JobApiStorage } from './job-api-storage.js';

export type WorkerStorageKind = 'local' | 'api';

/** The storage one job reads and writes through; `signal` is the job's. */
export type StorageForJob = (job: QueueJobData, signal?: AbortSignal) => Storage;

export interface WorkerStorageOptions {
  kind: WorkerStorageKind;
  /** The callback client of the process (its URL, signing and retries). */
  client: CallbackClient;
  /** GPUQ_DATA_DIR: `local` keeps files in `<dataDir>/storage`, as the api does. */
  dataDir: string;
  /** CALLBACK_URL: `local` URLs point at the api behind it. */
  callbackUrl: string;
}

export function workerStorage(options: WorkerStorageOptions): StorageForJob {
  if (options.kind === 'api') {
    return (job, signal) => new JobApiStorage({ client: options.client, job, signal });
  }
  // Writes files and reports their paths; only the api signs URLs, so no secret here.
  const local = new LocalFileStorage({
    rootDir: join(options.dataDir, 'storage'),
    baseUrl: `${new URL(options.callbackUrl).origin}/storage/v1`,
  });
  return () => local;
}
