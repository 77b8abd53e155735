/**
 * Supabase Storage through supabase-js's storage client (storage-js): one bucket per job type (the
 * routing catalog names them), objects under `<userId>/...` as on the local backend, uploads as
 * upserts (a retried job overwrites its own output instead of failing), signed URLs from the Storage
 * API. The key is the service-role key: this runs in the api and on trusted workers, and the path
 * rules stand in for RLS.
 *
 * Why storage-js and not `createClient`: a full supabase-js client also builds the realtime client,
 * which needs a native WebSocket that Node 20 (our minimum) lacks, and a GPU host needs none of
 * auth or realtime. An app that already has a supabase-js client may pass it instead.
 */
import { Readable } from 'node:stream';
import { StorageClient } from '@supabase/storage-js';
import { DEFAULT_CONTENT_TYPE } from '../content-type.js';
import { ObjectTooLarge } from '../errors/object-too-large.js';
import { StorageObjectNotFound } from '../errors/storage-object-not-found.js';
import { assertBucketName, assertOwnerPrefixedPath } from '../paths/storage-path.js';
import type {
  MoveOptions,
  ObjectInfo,
  PutBody,
  PutOptions,
  SignedUploadOptions,
  SignedUploadUrl,
  Storage,
  StoredObject,
} from '../storage.js';
import { failure, unwrap } from './supabase-result.js';

export interface SupabaseStorageOptions {
  /** The project URL (`SUPABASE_URL`); Storage is at `<url>/storage/v1`. */
  url: string;
  /** The service-role key (`SUPABASE_SERVICE_ROLE_KEY`), sent as `apikey` (and as bearer token). */
  serviceRoleKey: string;
  /** A supabase-js client to use instead of building a storage client (its `storage` is used). */
  client?: { storage: StorageClient };
  /** `Cache-Control: max-age` of uploaded objects, in seconds. Default 3600 (storage-js's default). */
  cacheControlSeconds?: number;
  /** Clock in ms, for tests; default `Date.now`. */
  now?: () => number;
}

/** Supabase signs upload URLs for a fixed two hours, whatever the caller asks for. */
export const SUPABASE_UPLOAD_URL_SECONDS = 2 * 60 * 60;

export class SupabaseStorage implements Storage {
  readonly kind = 'supabase';
  readonly #client: StorageClient;
  readonly #cacheControl: string;
  readonly #now: () => number;

  constructor(options: SupabaseStorageOptions) {
    this.#client = options.client?.storage ?? storageClient(options.url, options.serviceRoleKey);
    this.#cacheControl = String(options.cacheControlSeconds ?? 3600);
    this.#now = options.now ?? Date.now;
  }

  async put(bucket: string, path: string, body: PutBody, contentType: string, options: PutOptions = {}) {
    check(bucket, path);
    const counted = countedBody(body, options.maxBytes);
    const result = await this.#bucket(bucket).upload(path, counted.body as Uint8Array, {
      contentType,
      upsert: true,
      cacheControl: this.#cacheControl,
    });
    // An overrun aborts the request mid-stream; report it as the overrun, not as a network error.
    if (counted.overrun()) throw new ObjectTooLarge(options.maxBytes!);
    unwrap('put', bucket, path, result);
    return { bucket, path, size: counted.size(), contentType } satisfies ObjectInfo;
  }

  /** Buffers the object (one request gives bytes, size and type); our outputs are a few MB. */
  async get(bucket: string, path: string): Promise<StoredObject> {
    check(bucket, path);
    const blob = unwrap('get', bucket, path, await this.#bucket(bucket).download(path));
    return {
      bucket,
      path,
      size: blob.size,
      contentType: blob.type || DEFAULT_CONTENT_TYPE,
      body: blob.stream() as ReadableStream<Uint8Array>,
    };
  }

  async exists(bucket: string, path: string): Promise<boolean> {
    check(bucket, path);
    // Not storage-js's own exists(): it throws on the legacy 400-with-"404" answer of older servers.
    const result = await this.#bucket(bucket).info(path);
    if (!result.error) return true;
    const error = failure('exists', bucket, path, result.error);
    if (error instanceof StorageObjectNotFound) return false;
    throw error;
  }

  async stat(bucket: string, path: string): Promise<ObjectInfo> {
    check(bucket, path);
    const info = unwrap('stat', bucket, path, await this.#bucket(bucket).info(path));
    const updated = info.lastModified ?? info.createdAt;
    return {
      bucket,
      path,
      size: info.size ?? 0,
      contentType: info.contentType ?? DEFAULT_CONTENT_TYPE,
      ...(updated ? { updatedAt: new Date(updated) } : {}),
    };
  }

  async move(
    fromBucket: string,
    fromPath: string,
    toBucket: string,
    toPath: string,
    options: MoveOptions = {},
  ): Promise<ObjectInfo> {
    check(toBucket, toPath);
    const info = options.source ?? (await this.stat(fromBucket, fromPath));
    // Storage refuses to move onto an existing key; like `put`, a move replaces what is there.
    unwrap('move', toBucket, toPath, await this.#bucket(toBucket).remove([toPath]));
    const moved = await this.#bucket(fromBucket).move(fromPath, toPath, { destinationBucket: toBucket });
    unwrap('move', fromBucket, fromPath, moved);
    return { ...info, bucket: toBucket, path: toPath };
  }

  async delete(bucket: string, path: string): Promise<void> {
    check(bucket, path);
    // Storage answers 200 with an empty list for a missing object, so a repeat is harmless.
    unwrap('delete', bucket, path, await this.#bucket(bucket).remove([path]));
  }

  publicUrl(bucket: string, path: string): string {
    check(bucket, path);
    return this.#bucket(bucket).getPublicUrl(path).data.publicUrl;
  }

  async signedUrl(bucket: string, path: string, expiresInSeconds: number): Promise<string> {
    check(bucket, path);
    return unwrap(
      'signedUrl',
      bucket,
      path,
      await this.#bucket(bucket).createSignedUrl(path, expiresInSeconds),
    ).signedUrl;
  }

  /** `expiresInSeconds` is not Supabase's to take: its upload URLs last two hours. */
  async signedUploadUrl(
    bucket: string,
    path: string,
    _expiresInSeconds: number,
    _options?: SignedUploadOptions,
  ): Promise<SignedUploadUrl> {
    check(bucket, path);
    const started = this.#now();
    const result = await this.#bucket(bucket).createSignedUploadUrl(path, { upsert: true });
    const { signedUrl } = unwrap('signedUploadUrl', bucket, path, result);
    return {
      url: signedUrl,
      bucket,
      path,
      expiresAt: new Date(started + SUPABASE_UPLOAD_URL_SECONDS * 1000),
    };
  }

  #bucket(bucket: string) {
    return this.#client.from(bucket);
  }
}

/** The headers supabase-js sends: the key as `apikey`, and as bearer token unless it is a new-format key. */
function storageClient(url: string, key: string): StorageClient {
  const headers: Record<string, string> = { apikey: key };
  // `sb_secret_` / `sb_publishable_` keys are not JWTs; Supabase refuses them as bearer tokens.
  if (!/^sb_(secret|publishable)_/.test(key)) headers.Authorization = `Bearer ${key}`;
  return new StorageClient(new URL('storage/v1', url.endsWith('/') ? url : `${url}/`).href, headers);
}

function check(bucket: string, path: string): void {
  assertBucketName(bucket);
  assertOwnerPrefixedPath(path);
}

/**
 * The body to send, counting its bytes on the way. A byte array is checked against the limit at
 * once; a stream is counted as it goes and broken off at the limit, so an oversized upload fails
 * without buffering the whole video in memory.
 */
function countedBody(body: PutBody, maxBytes = Number.POSITIVE_INFINITY) {
  let size = 0;
  let overrun = false;
  if (body instanceof Uint8Array) {
    if (body.byteLength > maxBytes) throw new ObjectTooLarge(maxBytes);
    size = body.byteLength;
    return { body, size: () => size, overrun: () => false };
  }
  const source = body as AsyncIterable<Uint8Array>;
  async function* counting() {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > maxBytes) {
        overrun = true;
        throw new ObjectTooLarge(maxBytes);
      }
      yield chunk;
    }
  }
  return { body: Readable.from(counting()), size: () => size, overrun: () => overrun };
}
