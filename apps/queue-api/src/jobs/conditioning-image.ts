/**
 * The stored image a WAN job may start from: `referenceImageUrl` of a queue-job request, or
 * `start_image_path` of a travel segment, when it is a URL of this system's storage inside the
 * owner's folder. Anything else (a foreign URL, another user's file) is not read by our workers:
 * the job runs without it, and an image-to-video fleet then fails it with a message naming why.
 */
import type { Task } from '@gpuq/db';
import type { GenerationParams, StoredFileRef } from '@gpuq/job-types';
import { InvalidStoragePath, parseStorageLocation } from '@gpuq/storage';

export function conditioningImageOf(
  task: Task,
  generation: GenerationParams | null,
  storageBaseUrls: readonly string[],
): StoredFileRef | undefined {
  const url = generation?.referenceImageUrl ?? task.params.start_image_path;
  if (typeof url !== 'string' || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  try {
    const { bucket, path } = parseStorageLocation(url, { userId: task.userId, storageBaseUrls });
    return bucket ? { bucket, path } : undefined;
  } catch (error) {
    if (error instanceof InvalidStoragePath) return undefined;
    throw error;
  }
}
