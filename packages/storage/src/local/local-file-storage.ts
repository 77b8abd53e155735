/**
 * The default backend: objects are files under `<rootDir>/<bucket>/<path>` (the apps pass
 * `GPUQ_DATA_DIR/storage`), each with the content type its name says or, when that is not its type,
 * a small JSON file beside it that says it (meta-file.ts). URLs point at
 * the routes of `createStorageRoutes`, mounted by queue-api at `baseUrl`, and are signed with
 * `secret`, so nothing is served without a URL the api handed out.
 */
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';
import { StorageBackendError } from '../errors/storage-backend-error.js';
import { StorageObjectNotFound } from '../errors/storage-object-not-found.js';
import { existsByStat } from '../exists-by-stat.js';
import { assertBucketName, assertOwnerPrefixedPath } from '../paths/storage-path.js';
import { createUrlToken } from '../signing/url-token.js';
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
import { TEMP_SUFFIX, writeFileAtomic } from './atomic-write.js';
import type { ByteRange } from './byte-range.js';
import { createInFolder } from './create-in-folder.js';
import { isMissing } from './is-missing.js';
import { keepContentType, META_SUFFIX, readContentType, removeMetaFile } from './meta-file.js';
import { objectUrl } from './object-url.js';

export interface LocalFileStorageOptions {
  /** Folder that holds one folder per bucket; created on first write. */
  rootDir: string;
  /** Absolute URL where `createStorageRoutes` is mounted, e.g. `http://127.0.0.1:8787/storage/v1`. */
  baseUrl: string;
  /**
   * HMAC key of signed URLs; give the routes the same one. Optional because only the api signs: a
   * worker that writes files and reports their paths never holds it (then signing throws).
   */
  secret?: string | Uint8Array;
  /** Clock in ms, for tests; default `Date.now`. */
  now?: () => number;
}

export { META_SUFFIX } from './meta-file.js';

export class LocalFileStorage implements Storage {
  readonly kind = 'local';
  readonly rootDir: string;
  readonly baseUrl: string;
  readonly #secret: string | Uint8Array | undefined;
  readonly #now: () => number;

  constructor(options: LocalFileStorageOptions) {
    this.rootDir = resolve(options.rootDir);
    this.baseUrl = new URL(options.baseUrl).href.replace(/\/+$/, '');
    this.#secret = options.secret;
    this.#now = options.now ?? Date.now;
  }

  async put(bucket: string, path: string, body: PutBody, contentType: string, options: PutOptions = {}) {
    const file = this.#file(bucket, path);
    const source = body instanceof Uint8Array ? body : toAsyncIterable(body);
    // The data first, then its type: a body refused on the way (too large, not its type) leaves the
    // old object as it was, type included.
    const written = await this.#io('put', () => writeFileAtomic(file, source, options));
    await this.#io('put', () => keepContentType(file, contentType, { madeFolder: written.madeFolder }));
    return { bucket, path, size: written.size, contentType } satisfies ObjectInfo;
  }

  async get(bucket: string, path: string): Promise<StoredObject> {
    const info = await this.stat(bucket, path);
    const body = Readable.toWeb(this.createReadStream(bucket, path)) as ReadableStream<Uint8Array>;
    return { ...info, body };
  }

  /** A Node stream of the file or of one byte range of it, for the routes' Range support. */
  createReadStream(bucket: string, path: string, range?: ByteRange): Readable {
    return createReadStream(this.#file(bucket, path), range ?? {});
  }

  exists(bucket: string, path: string): Promise<boolean> {
    return existsByStat(this, bucket, path);
  }

  async stat(bucket: string, path: string): Promise<ObjectInfo> {
    const file = this.#file(bucket, path);
    const stats = await stat(file).catch((error: unknown) => {
      throw isMissing(error) ? new StorageObjectNotFound(bucket, path, { cause: error }) : error;
    });
    if (!stats.isFile()) throw new StorageObjectNotFound(bucket, path);
    return {
      bucket,
      path,
      size: stats.size,
      contentType: await readContentType(file),
      updatedAt: stats.mtime,
    };
  }

  async move(
    fromBucket: string,
    fromPath: string,
    toBucket: string,
    toPath: string,
    options: MoveOptions = {},
  ): Promise<ObjectInfo> {
    const from = this.#file(fromBucket, fromPath);
    const to = this.#file(toBucket, toPath);
    const info = options.source ?? (await this.stat(fromBucket, fromPath));
    // The data's rename is the move itself (atomic: every bucket is under one root), and it comes
    // first: a source that is gone (a given info can be older than the files, when a concurrent move
    // took them) fails here, before anything was written. Then the type: the source's meta file,
    // linked when the destination needs one (a move writes and flushes no bytes), else none.
    const renamed = await this.#io('move', () =>
      createInFolder(dirname(to), () => rename(from, to), { folderFirst: options.newFolder }).catch(
        (error: unknown) => {
          throw isMissing(error) ? new StorageObjectNotFound(fromBucket, fromPath, { cause: error }) : error;
        },
      ),
    );
    await this.#io('move', () =>
      keepContentType(to, info.contentType, { madeFolder: renamed.madeFolder, linkFrom: from }),
    );
    // A move onto itself keeps its meta file: it is the destination's too.
    if (from !== to) await this.#io('move', () => removeMetaFile(from));
    return { bucket: toBucket, path: toPath, size: info.size, contentType: info.contentType };
  }

  async delete(bucket: string, path: string): Promise<void> {
    const file = this.#file(bucket, path);
    // The data first: once it is gone the object is gone, whatever happens to the meta file.
    await this.#io('delete', () => rm(file, { force: true }));
    await this.#io('delete', () => removeMetaFile(file));
  }

  publicUrl(bucket: string, path: string): string {
    this.#file(bucket, path);
    return objectUrl(this.baseUrl, 'public', bucket, path);
  }

  async signedUrl(bucket: string, path: string, expiresInSeconds: number): Promise<string> {
    this.#file(bucket, path);
    const expiresAt = this.#expiry(expiresInSeconds);
    const token = createUrlToken(this.#signingKey('signedUrl'), { method: 'GET', bucket, path, expiresAt });
    return `${objectUrl(this.baseUrl, 'sign', bucket, path)}?token=${token}`;
  }

  async signedUploadUrl(
    bucket: string,
    path: string,
    expiresInSeconds: number,
    options: SignedUploadOptions = {},
  ): Promise<SignedUploadUrl> {
    this.#file(bucket, path);
    const expiresAt = this.#expiry(expiresInSeconds);
    const { contentType } = options;
    const key = this.#signingKey('signedUploadUrl');
    const token = createUrlToken(key, { method: 'PUT', bucket, path, expiresAt, contentType });
    const query = new URLSearchParams({ token });
    if (contentType) query.set('contentType', contentType);
    const url = `${objectUrl(this.baseUrl, 'upload/sign', bucket, path)}?${query}`;
    return { url, bucket, path, expiresAt: new Date(expiresAt * 1000) };
  }

  /** The file of an object, after every path rule; also the check each public method starts with. */
  #file(bucket: string, path: string): string {
    assertBucketName(bucket);
    assertOwnerPrefixedPath(path);
    const segments = path.split('/');
    if (segments.some((segment) => segment.endsWith(META_SUFFIX) || segment.endsWith(TEMP_SUFFIX))) {
      throw new InvalidStoragePath(
        path,
        'reserved_name',
        'ends with a name the local store keeps for itself',
      );
    }
    const file = join(this.rootDir, bucket, ...segments);
    // The rules above already exclude escapes; this is the last line should they ever be loosened.
    if (!file.startsWith(this.rootDir + sep))
      throw new InvalidStoragePath(path, 'dot_segment', 'escapes the root');
    return file;
  }

  #signingKey(operation: string): string | Uint8Array {
    if (this.#secret === undefined) {
      throw new StorageBackendError(
        operation,
        'no signing secret configured (only the api signs local URLs)',
      );
    }
    return this.#secret;
  }

  #expiry(expiresInSeconds: number): number {
    if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0) {
      throw new RangeError(`expiresInSeconds must be a positive integer, got ${expiresInSeconds}`);
    }
    return Math.floor(this.#now() / 1000) + expiresInSeconds;
  }

  async #io<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof Error) || !('code' in error)) throw error;
      throw new StorageBackendError(operation, error.message, undefined, { cause: error });
    }
  }
}

function toAsyncIterable(
  body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncIterable<Uint8Array> {
  return Symbol.asyncIterator in body
    ? body
    : Readable.fromWeb(body as import('node:stream/web').ReadableStream);
}
