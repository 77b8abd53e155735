import { StorageObjectNotFound } from './errors/storage-object-not-found.js';
import type { Storage } from './storage.js';

/** `exists` for a store whose `stat` throws StorageObjectNotFound for a missing object. */
export async function existsByStat(
  storage: Pick<Storage, 'stat'>,
  bucket: string,
  path: string,
): Promise<boolean> {
  try {
    await storage.stat(bucket, path);
    return true;
  } catch (error) {
    if (error instanceof StorageObjectNotFound) return false;
    throw error;
  }
}
