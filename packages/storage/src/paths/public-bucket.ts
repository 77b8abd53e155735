/**
 * Which bucket a public object URL (`/object/public/<name>/<path>`) reads, on either backend. A
 * public name is a public bucket itself, or an alias for public buckets: the Headless worker builds
 * `/object/public/image_uploads/<storage_path>` for files it uploaded through generate-upload-url,
 * which stores them in the task's own bucket (travel, single_image). An alias reads the first of
 * its buckets that holds the path.
 */
import type { Storage } from '../storage.js';

export interface PublicBuckets {
  /** Buckets whose objects are served without a signature. Default none. */
  publicBuckets?: readonly string[];
  /** Public names that read an object of the same path from the first of these buckets holding it. */
  publicBucketAliases?: Readonly<Record<string, readonly string[]>>;
}

/** The public bucket `name` reads `path` from; null when the name is neither public nor an alias. */
export async function publicBucketOf(
  storage: Pick<Storage, 'exists'>,
  buckets: PublicBuckets,
  name: string,
  path: string,
): Promise<string | null> {
  const open = new Set(buckets.publicBuckets ?? []);
  for (const bucket of buckets.publicBucketAliases?.[name] ?? []) {
    if (!open.has(bucket)) continue;
    if (await storage.exists(bucket, path).catch(() => false)) return bucket;
  }
  return open.has(name) ? name : null;
}
