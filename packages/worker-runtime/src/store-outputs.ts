/**
 * Writes a job's files under its owner's prefix, `<userId>/<taskId>/<filename>`, in the staging
 * bucket. The callback then reports these paths; the service checks them against the owner and
 * moves the files into the job's bucket only when it accepts the completion, so the outputs of a
 * job whose task was cancelled or failed meanwhile are never served.
 */
import type { QueueJobData } from '@gpuq/job-types';
import { ownerPath, STAGING_BUCKET, type Storage } from '@gpuq/storage';
import type { GeneratedFile } from './generation-model.js';

export interface StoredFile {
  kind: GeneratedFile['kind'];
  path: string;
}

export async function storeOutputs(
  storage: Storage,
  job: QueueJobData,
  files: readonly GeneratedFile[],
): Promise<StoredFile[]> {
  const stored: StoredFile[] = [];
  for (const [index, file] of files.entries()) {
    const path = ownerPath(job.userId, job.taskId, file.filename);
    // The job's folder is new for its first file (on a retried attempt it is there: no matter).
    await storage.put(STAGING_BUCKET, path, file.bytes, file.contentType, { newFolder: index === 0 });
    stored.push({ kind: file.kind, path });
  }
  return stored;
}

/** The callback fields for stored files: SDXL-style `imageUrls`, or WAN-style `outputUrl` + poster. */
export function callbackOutputs(files: readonly StoredFile[]): {
  imageUrls?: string[];
  outputUrl?: string;
  posterPath?: string;
} {
  const videos = files.filter((file) => file.kind === 'video');
  const poster = files.find((file) => file.kind === 'poster');
  if (videos.length > 0)
    return { outputUrl: videos[0]!.path, ...(poster ? { posterPath: poster.path } : {}) };
  return { imageUrls: files.filter((file) => file.kind === 'image').map((file) => file.path) };
}
