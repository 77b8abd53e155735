/**
 * The Hono sub-app that serves the local backend over HTTP; queue-api mounts it at the path its
 * LocalFileStorage `baseUrl` names (`app.route('/storage/v1', createStorageRoutes(...))`).
 *
 *   GET|HEAD /object/sign/:bucket/:path?token=...         a signed download (Range supported)
 *   PUT      /object/upload/sign/:bucket/:path?token=...  a signed upload (generate-upload-url)
 *   GET|HEAD /object/public/:bucket/:path                 only for buckets listed as public
 *
 * Errors answer `{ error: { code, message } }` like every other gpuq route.
 */
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { EmptyUpload } from '../errors/empty-upload.js';
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';
import { ObjectTooLarge } from '../errors/object-too-large.js';
import { SignedUrlRejected } from '../errors/signed-url-rejected.js';
import { StorageObjectNotFound } from '../errors/storage-object-not-found.js';
import { UnsupportedContentType } from '../errors/unsupported-content-type.js';
import { assertBucketName, assertOwnerPrefixedPath } from '../paths/storage-path.js';
import { verifyUrlToken } from '../signing/url-token.js';
import type { LocalFileStorage } from './local-file-storage.js';
import { receiveUpload } from './receive-upload.js';
import { serveObject } from './serve-object.js';

export interface StorageRoutesOptions {
  storage: LocalFileStorage;
  /** The HMAC key the storage signs its URLs with. */
  secret: string | Uint8Array;
  /** Largest upload accepted, in bytes. Default 512 MiB (a long 832×480 video is far smaller). */
  maxUploadBytes?: number;
  /** Content types an upload may have (`type/*` wildcards). Default images and videos. */
  allowedContentTypes?: readonly string[];
  /** Buckets whose objects `/object/public/...` serves without a signature. Default none. */
  publicBuckets?: readonly string[];
  /** Clock in ms, for tests; default `Date.now`. */
  now?: () => number;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 512 * 1024 * 1024;
export const DEFAULT_UPLOAD_CONTENT_TYPES = ['image/*', 'video/*'] as const;

// Hono's `{.+}` lets the last parameter span slashes: object paths are `<userId>/<...>`.
const OBJECT = ':bucket/:path{.+}';

export function createStorageRoutes(options: StorageRoutesOptions): Hono {
  const { storage, secret } = options;
  const now = options.now ?? Date.now;
  const publicBuckets = new Set(options.publicBuckets ?? []);
  const limits = {
    maxBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    allowedContentTypes: options.allowedContentTypes ?? DEFAULT_UPLOAD_CONTENT_TYPES,
  };
  const app = new Hono();

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

  app.on(['GET', 'HEAD'], `/object/public/${OBJECT}`, (c) => {
    const { bucket, path } = checkedObject(c.req.param());
    // Same answer as a missing object: a private bucket's contents are nobody's business.
    if (!publicBuckets.has(bucket)) throw new StorageObjectNotFound(bucket, path);
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
  if (error instanceof ObjectTooLarge) return [413, 'payload_too_large'];
  if (error instanceof UnsupportedContentType) return [415, 'invalid_request'];
  return [500, 'internal'];
}

function errorBody(code: string, message: string) {
  return { error: { code, message } };
}
