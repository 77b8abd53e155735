/**
 * `GET|HEAD /object/public/:bucket/:path` on the api when files live in Supabase Storage. Clients
 * that take the api for a Supabase project build public object URLs on the api's own origin — the
 * Headless worker's `<SUPABASE_URL>/storage/v1/object/public/image_uploads/<storage_path>` for its
 * intermediate uploads, which later tasks download — so the api answers them with a redirect to the
 * object in Supabase Storage. The target is a short-lived signed URL, so it works whether or not
 * the bucket is public in the Supabase project; which names are served is decided here
 * (publicBucketOf), as on the local backend. The worker downloads with `requests`, which follows
 * redirects.
 *
 * Errors answer `{ error: { code, message } }` like every other gpuq route.
 */
import { Hono } from 'hono';
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';
import { type PublicBuckets, publicBucketOf } from '../paths/public-bucket.js';
import { assertBucketName, assertOwnerPrefixedPath } from '../paths/storage-path.js';
import type { Storage } from '../storage.js';

export interface PublicObjectRedirectOptions extends PublicBuckets {
  storage: Pick<Storage, 'exists' | 'signedUrl'>;
  /** How long the signed URL a redirect points at works, in seconds. Default 3600. */
  signedUrlSeconds?: number;
}

const errorBody = (code: string, message: string) => ({ error: { code, message } });

export function createPublicObjectRedirects(options: PublicObjectRedirectOptions): Hono {
  const seconds = options.signedUrlSeconds ?? 3600;
  const app = new Hono();
  app.on(['GET', 'HEAD'], '/object/public/:bucket/:path{.+}', async (c) => {
    const name = assertBucketName(c.req.param('bucket'));
    const path = assertOwnerPrefixedPath(c.req.param('path'));
    const bucket = await publicBucketOf(options.storage, options, name, path);
    // A private bucket answers as a missing object: its contents are nobody's business.
    if (!bucket || !(await options.storage.exists(bucket, path))) {
      return c.json(errorBody('not_found', `object ${name}/${path} not found`), 404);
    }
    const target = await options.storage.signedUrl(bucket, path, seconds);
    // Never cached: the signed URL it names expires.
    c.header('cache-control', 'no-store');
    return c.redirect(target, 302);
  });
  app.notFound((c) => c.json(errorBody('not_found', 'no such storage route'), 404));
  app.onError((error, c) => {
    if (error instanceof InvalidStoragePath) return c.json(errorBody('invalid_request', error.message), 400);
    return c.json(errorBody('internal', 'storage failed'), 500);
  });
  return app;
}
