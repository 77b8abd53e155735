/**
 * The one storage interface workers, the api and the task protocol program against. Two backends:
 * LocalFileStorage (the default, files under GPUQ_DATA_DIR served by the api's signed-URL routes)
 * and SupabaseStorage (Supabase Storage through supabase-js). Paths are `<userId>/<...>` inside a
 * bucket; both backends refuse anything else with `InvalidStoragePath` before any I/O.
 */

/** What `put` takes: all of it in memory, or a stream (web or Node) for large videos. */
export type PutBody = Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** Writes into a folder (`put`, `move`) may say the folder is new. */
export interface NewFolderHint {
  /**
   * The object is most likely the first in its folder (a job's first output): a backend with real
   * folders makes the folder before the write, rather than after the write has failed for want of
   * it, one file-system call fewer. Only a hint: a folder that is there is used as it is.
   */
  newFolder?: boolean;
}

export interface PutOptions extends NewFolderHint {
  /** Refuse bodies larger than this with `ObjectTooLarge` (nothing is stored). Default: no limit. */
  maxBytes?: number;
}

export interface ObjectInfo {
  bucket: string;
  path: string;
  size: number;
  contentType: string;
  /** When the object was last written; undefined when the backend does not say. */
  updatedAt?: Date;
}

export interface MoveOptions extends NewFolderHint {
  /**
   * The source's info as the caller has just read it (its `stat`): the move then does not read it
   * again. Default: the move reads it.
   */
  source?: ObjectInfo;
}

export interface StoredObject extends ObjectInfo {
  body: ReadableStream<Uint8Array>;
}

export interface SignedUploadUrl {
  /** Where to `PUT` the bytes, with the file's `Content-Type`; no other credential needed. */
  url: string;
  bucket: string;
  path: string;
  /** When the URL stops working. */
  expiresAt: Date;
}

export interface SignedUploadOptions {
  /**
   * Bind the upload to this content type: a PUT with another `Content-Type` is refused. Enforced by
   * the local routes; Supabase checks it against the bucket's allowed types instead.
   */
  contentType?: string;
}

export interface Storage {
  /** Which backend this is, for logs and health output (`api`: a worker's signed-URL storage). */
  readonly kind: 'local' | 'supabase' | 'api';
  /** Writes (or replaces) the object. A reader never sees a half-written object. */
  put(
    bucket: string,
    path: string,
    body: PutBody,
    contentType: string,
    options?: PutOptions,
  ): Promise<ObjectInfo>;
  /** Reads the object; `StorageObjectNotFound` when it does not exist. */
  get(bucket: string, path: string): Promise<StoredObject>;
  exists(bucket: string, path: string): Promise<boolean>;
  /** Size and content type; `StorageObjectNotFound` when it does not exist. */
  stat(bucket: string, path: string): Promise<ObjectInfo>;
  /**
   * Moves an object to another bucket and/or path, replacing what is there, with its content type;
   * the source is gone afterwards. `StorageObjectNotFound` (naming the source) when it does not
   * exist. The job-callback service promotes staged outputs (paths/staging.ts) with it.
   */
  move(
    fromBucket: string,
    fromPath: string,
    toBucket: string,
    toPath: string,
    options?: MoveOptions,
  ): Promise<ObjectInfo>;
  /** Removes the object; removing one that is not there is not an error (retries are harmless). */
  delete(bucket: string, path: string): Promise<void>;
  /** A URL without expiry; it only works for buckets served publicly. */
  publicUrl(bucket: string, path: string): string;
  /** A GET URL that works for `expiresInSeconds` without any other credential. */
  signedUrl(bucket: string, path: string, expiresInSeconds: number): Promise<string>;
  /** A PUT URL for the task protocol's generate-upload-url (files too big for base64). */
  signedUploadUrl(
    bucket: string,
    path: string,
    expiresInSeconds: number,
    options?: SignedUploadOptions,
  ): Promise<SignedUploadUrl>;
}

/** Reads a whole stored object into memory (fine for images; stream videos instead). */
export async function readObjectBytes(object: Pick<StoredObject, 'body'>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(object.body).arrayBuffer());
}
