/**
 * Storage for a worker that shares no disk with the api and holds no storage key
 * (WORKER_STORAGE=api): one instance per job, acting with that job's callback credential. `put`
 * asks the job-callback service for a signed upload URL (into the staging bucket, where outputs
 * wait for the accepted `completed` report) and PUTs the bytes there; `get` asks for a
 * signed download URL and streams the answer. The service decides what the job may touch (its own
 * `<userId>/<taskId>/` folder for writes, its owner's folder for reads); the checks here only fail
 * early, before a request, with the same path rules. All HTTP goes through the callback client, so
 * signing, timeouts and retries are the callbacks' own.
 */
import { type CallbackClient, CallbackDeliveryError, CallbackRejectedError } from '@gpuq/callback-client';
import type { QueueJobData } from '@gpuq/job-types';
import {
  assertOwnedPath,
  EmptyUpload,
  existsByStat,
  InvalidStoragePath,
  type ObjectInfo,
  ObjectTooLarge,
  type PutBody,
  type PutOptions,
  readObjectBytes,
  type SignedUploadUrl,
  STAGING_BUCKET,
  type Storage,
  StorageBackendError,
  StorageObjectNotFound,
  type StoredObject,
} from '@gpuq/storage';
import { NotAvailableOnWorker } from './not-available-on-worker.js';

export interface JobApiStorageOptions {
  client: CallbackClient;
  /** The job whose credential signs the requests, and whose folder it writes. */
  job: Pick<QueueJobData, 'taskId' | 'userId' | 'bucket' | 'callbackToken' | 'callbackExpiresAt'>;
  /** The job's abort signal: a cancelled job stops its transfers too. */
  signal?: AbortSignal;
}

export class JobApiStorage implements Storage {
  readonly kind = 'api';
  readonly #client: CallbackClient;
  readonly #job: JobApiStorageOptions['job'];
  readonly #signal: AbortSignal | undefined;

  constructor(options: JobApiStorageOptions) {
    this.#client = options.client;
    this.#job = options.job;
    this.#signal = options.signal;
  }

  async put(
    bucket: string,
    path: string,
    body: PutBody,
    contentType: string,
    options: PutOptions = {},
  ): Promise<ObjectInfo> {
    const filename = this.#ownFileName(bucket, path);
    // In memory, so that a retried PUT can send the same bytes again (outputs are in memory anyway).
    const bytes = body instanceof Uint8Array ? body : await readObjectBytes({ body: toWebStream(body) });
    if (options.maxBytes !== undefined && bytes.byteLength > options.maxBytes) {
      throw new ObjectTooLarge(options.maxBytes);
    }
    if (bytes.byteLength === 0) throw new EmptyUpload();
    return this.#storageCall('put', bucket, path, async () => {
      const upload = await this.#client.uploadUrl(this.#job, { filename, contentType }, this.#signal);
      const response = await this.#client.transfer(
        upload.url,
        { method: 'PUT', headers: { 'content-type': contentType }, body: bytes },
        this.#signal,
      );
      await response.body?.cancel();
      return { bucket, path: upload.path, size: bytes.byteLength, contentType };
    });
  }

  async get(bucket: string, path: string): Promise<StoredObject> {
    return this.#storageCall('get', bucket, path, async () => {
      const download = await this.#client.downloadUrl(this.#job, { bucket, path }, this.#signal);
      const response = await this.#client.transfer(download.url, { method: 'GET' }, this.#signal);
      if (!response.body) throw new StorageBackendError('get', 'the signed URL answered without a body');
      return {
        bucket,
        path: download.path,
        size: download.size ?? Number(response.headers.get('content-length') ?? 0),
        contentType: download.contentType ?? response.headers.get('content-type') ?? '',
        body: response.body as ReadableStream<Uint8Array>,
      };
    });
  }

  async stat(bucket: string, path: string): Promise<ObjectInfo> {
    return this.#storageCall('stat', bucket, path, async () => {
      const download = await this.#client.downloadUrl(this.#job, { bucket, path }, this.#signal);
      return {
        bucket,
        path: download.path,
        size: download.size ?? 0,
        contentType: download.contentType ?? '',
      };
    });
  }

  exists(bucket: string, path: string): Promise<boolean> {
    return existsByStat(this, bucket, path);
  }

  async move(): Promise<ObjectInfo> {
    throw new NotAvailableOnWorker('move');
  }

  async delete(): Promise<void> {
    throw new NotAvailableOnWorker('delete');
  }

  publicUrl(): string {
    throw new NotAvailableOnWorker('publicUrl');
  }

  async signedUrl(): Promise<string> {
    throw new NotAvailableOnWorker('signedUrl');
  }

  async signedUploadUrl(): Promise<SignedUploadUrl> {
    throw new NotAvailableOnWorker('signedUploadUrl');
  }

  /** The file name of `<userId>/<taskId>/<filename>` in the staging bucket: all a job may write. */
  #ownFileName(bucket: string, path: string): string {
    const [, taskId, filename, ...rest] = assertOwnedPath(this.#job.userId, path).split('/');
    if (bucket !== STAGING_BUCKET || taskId !== this.#job.taskId || !filename || rest.length > 0) {
      throw new InvalidStoragePath(
        `${bucket}/${path}`,
        'foreign_owner',
        `a job writes only ${STAGING_BUCKET}/<userId>/${this.#job.taskId}/<filename>`,
      );
    }
    return filename;
  }

  /** The service's and the signed URL's refusals as the storage errors callers already handle. */
  async #storageCall<T>(operation: string, bucket: string, path: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof CallbackRejectedError)) {
        if (error instanceof CallbackDeliveryError) {
          throw new StorageBackendError(operation, error.message, undefined, { cause: error });
        }
        throw error;
      }
      if (error.status === 404 && (error.target === 'storage' || hasField(error, 'path'))) {
        throw new StorageObjectNotFound(bucket, path, { cause: error });
      }
      throw new StorageBackendError(operation, error.reason ?? error.message, error.status, { cause: error });
    }
  }
}

function hasField(error: CallbackRejectedError, field: string): boolean {
  return (error.body as { error?: { field?: unknown } } | null)?.error?.field === field;
}

function toWebStream(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): ReadableStream<Uint8Array> {
  return body instanceof ReadableStream ? body : ReadableStream.from(body);
}
