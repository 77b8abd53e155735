/** The URL recorded for a stored output and handed to workers and the frontend. */
import type { Storage } from '@gpuq/storage';
import type { ResolvedSettings } from '../settings.js';

export async function outputUrl(
  storage: Storage,
  settings: ResolvedSettings,
  bucket: string,
  path: string,
): Promise<string> {
  return settings.outputUrls === 'signed'
    ? storage.signedUrl(bucket, path, settings.signedUrlTtlSeconds)
    : storage.publicUrl(bucket, path);
}
