/**
 * supabase-js answers `{ data, error }` instead of throwing; this turns an error into our named
 * classes: a missing object into `StorageObjectNotFound`, everything else into `StorageBackendError`
 * with the HTTP status, so callers see one error vocabulary whichever backend runs.
 */
import { isStorageError, StorageApiError } from '@supabase/storage-js';
import { StorageBackendError } from '../errors/storage-backend-error.js';
import { StorageObjectNotFound } from '../errors/storage-object-not-found.js';

export function unwrap<T>(
  operation: string,
  bucket: string,
  path: string,
  result: { data: T | null; error: Error | null },
): T {
  if (result.error) throw failure(operation, bucket, path, result.error);
  return result.data as T;
}

export function failure(operation: string, bucket: string, path: string, error: Error): Error {
  if (error instanceof StorageApiError && isNotFound(error)) {
    return new StorageObjectNotFound(bucket, path, { cause: error });
  }
  const status = isStorageError(error) ? error.status : undefined;
  return new StorageBackendError(operation, error.message, status, { cause: error });
}

// Older Storage servers answer a missing object with HTTP 400 and `statusCode: "404"` in the body;
// newer ones with 404 and `code: "NoSuchKey"`. A missing bucket is not a missing object.
function isNotFound(error: StorageApiError): boolean {
  if (error.code === 'NoSuchBucket') return false;
  return error.code === 'NoSuchKey' || error.status === 404 || error.statusCode === '404';
}
