/**
 * The Hono sub-app that serves the local backend over HTTP; queue-api mounts it at the path its
 * LocalFileStorage `baseUrl` names (`app.route('/storage/v1', createStorageRoutes(...))`).
 *
 *   GET|HEAD /object/sign/:bucket/:path?token=...         a signed download (Range supported)
 *   PUT      /object/upload/sign/:bucket/:path?token=...  a signed upload (generate-upload-url)
 *   GET|HEAD /object/public/:bucket/:path                 only for buckets listed as public
 *
 * Every answer carries a sandboxing Content-Security-Policy and `nosniff` (SAFE_SERVING_HEADERS): a
 * stored file opened in a browser is a document with an opaque origin that can run nothing and
 * reach nothing, whatever its bytes, so it cannot act as the site that serves it.
 *
 * Errors answer `{ error: { code, message } }` like every other gpuq route.
 */
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { EmptyUpload } from '../errors/empty-upload.js';
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';
import { MediaTypeMismatch } from '../errors/media-type-mismatch.js';
import { ObjectLocked } from '../errors/object-locked.js';
import { ObjectTooLarge } from '../errors/object-too-large.js';
import { SignedUrlRejected } from '../errors/signed-url-rejected.js';
import { StorageObjectNotFound } from '../errors/storage-object-not-found.js';
import { StorageQuotaExceeded } from '../errors/storage-quota-exceeded.js';
import { UnsupportedContentType } from '../errors/unsupported-content-type.js';
import { type PublicBuckets, publicBucketOf } from '../paths/public-bucket.js';
import { assertBucketName, assertOwnerPrefixedPath } from '../paths/storage-path.js';
import { verifyUrlToken } from '../signing/url-token.js';
import type { LocalFileStorage } from './local-file-storage.js';
import { receiveUpload } from './receive-upload.js';
import { SAFE_SERVING_HEADERS, serveObject } from './serve-object.js';
import type { UploadPolicy } from './upload-policy.js';

export interface StorageRoutesOptions extends PublicBuckets {
  storage: LocalFileStorage;
  /** The HMAC key the storage signs its URLs with. */
  secret: string | Uint8Array;
  /** Largest object an upload may store, in bytes. Default 512 MiB (a 10 s 1080p video fits). */
  maxUploadBytes?: number;
  /** Whether an object may still be written and how much its owner may store. Default: no checks. */
  uploadPolicy?: UploadPolicy;
  /**
   * The storage's own origin (`https://files.example.com`): requests addressed to any other host are
   * answered 404, so a stored file is never served from the api's origin. Default: any host.
   */
  origin?: string;
  /** Clock in ms, for tests; default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

// Hono's `{.+}` lets the last parameter span slashes: object paths are `<userId>/<...>`.
const OBJECT = ':bucket/:path{.+}';

export function createStorageRoutes(options: StorageRoutesOptions): Hono {
  const { storage, secret } = options;
  const now = options.now ?? Date.now;
  const limits = {
    maxBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    policy: options.uploadPolicy,
  };
  const host = options.origin ? new URL(options.origin).host : undefined;
  const app = new Hono();

  app.use('*', async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SAFE_SERVING_HEADERS)) c.res.headers.set(name, value);
  });
  app.use('*', async (c, next) => {
    if (host && new URL(c.req.url).host !== host) {
      return c.json(errorBody('not_found', `storage is served at ${options.origin}, not here`), 404);
    }
    await next();
  });

  app.on(['GET', 'HEAD'], `/object/sign/${OBJECT}`, (c) => {
    const { bucket, path } = checkedObject(c.req.param());
    const token = c.req.query('token');
    verifyUrlToken(secret, token, { method: 'GET', bucket, path }, now());
    const secondsLeft = Math.max(0, Number(token!.split('.')[1]) - Math.floor(now() / 1000));
    const cacheControl = `private, max-age=${secondsLeft}`;
    return serveObject(storage, bucket, path, {
      method: c.req.method,
      headers: c.req.raw.headers,
      cacheControl,
    });
  });

  app.on(['GET', 'HEAD'], `/object/public/${OBJECT}`, async (c) => {
    const named = checkedObject(c.req.param());
    const { path } = named;
    const bucket = await publicBucketOf(storage, options, named.bucket, path);
    // Same answer as a missing object: a private bucket's contents are nobody's business.
    if (!bucket) throw new StorageObjectNotFound(named.bucket, path);
    const cacheControl = 'public, max-age=3600';
    return serveObject(storage, bucket, path, {
      method: c.req.method,
      headers: c.req.raw.headers,
      cacheControl,
    });
  });

  app.put(`/object/upload/sign/${OBJECT}`, async (c) => {
    const { bucket, path } = checkedObject(c.req.param());
    const boundContentType = c.req.query('contentType') || undefined;
    verifyUrlToken(
      secret,
      c.req.query('token'),
      { method: 'PUT', bucket, path, contentType: boundContentType },
      now(),
    );
    const info = await receiveUpload(storage, bucket, path, c.req.raw, { ...limits, boundContentType });
    // Supabase's answer to an upload, so storage-js `uploadToSignedUrl` works against us too.
    return c.json({ Key: `${bucket}/${path}`, path, size: info.size });
  });

  app.notFound((c) => c.json(errorBody('not_found', 'no such storage route'), 404));
  app.onError((error, c) => {
    const [status, code] = statusOf(error);
    return c.json(errorBody(code, status === 500 ? 'storage failed' : error.message), status);
  });
  return app;
}

/** Path rules first, so a traversal attempt is a 400 that says so, whatever its token. */
function checkedObject(params: { bucket: string; path: string }) {
  return { bucket: assertBucketName(params.bucket), path: assertOwnerPrefixedPath(params.path) };
}

function statusOf(error: Error): [ContentfulStatusCode, string] {
  if (error instanceof SignedUrlRejected) return [403, 'forbidden'];
  if (error instanceof StorageObjectNotFound) return [404, 'not_found'];
  if (error instanceof InvalidStoragePath || error instanceof EmptyUpload) return [400, 'invalid_request'];
  if (error instanceof ObjectTooLarge || error instanceof StorageQuotaExceeded)
    return [413, 'payload_too_large'];
  if (error instanceof UnsupportedContentType || error instanceof MediaTypeMismatch)
    return [415, 'invalid_request'];
  if (error instanceof ObjectLocked) return [409, 'conflict'];
  return [500, 'internal'];
}

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
