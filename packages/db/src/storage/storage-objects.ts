/**
 * The objects stored through the api's signed uploads and their sizes: what a user's storage
 * quota counts. A re-upload of a path replaces its row, so a retried PUT is not counted twice.
 */
import type { Queryable } from '../database/database.js';

export interface StorageObjectInput {
  bucket: string;
  path: string;
  /** The owner folder of `path`. */
  userId: string;
  size: number;
  contentType: string;
}

/** Bytes the user stores, leaving out one object (the one about to be replaced). */
export async function storageUsedBytes(
  db: Queryable,
  input: { userId: string; except?: { bucket: string; path: string } },
): Promise<number> {
  const { rows } = await db.query<{ used: string }>(
    `select coalesce(sum(size), 0)::text as used from public.storage_objects
     where user_id = $1 and not (bucket = $2 and path = $3)`,
    [input.userId, input.except?.bucket ?? '', input.except?.path ?? ''],
  );
  return Number(rows[0]?.used ?? 0);
}

export async function recordStorageObject(db: Queryable, input: StorageObjectInput): Promise<void> {
  await db.query(
    `insert into public.storage_objects (bucket, path, user_id, size, content_type)
     values ($1, $2, $3, $4, $5)
     on conflict (bucket, path) do update
       set user_id = excluded.user_id, size = excluded.size,
           content_type = excluded.content_type, updated_at = now()`,
    [input.bucket, input.path, input.userId, input.size, input.contentType],
  );
}
