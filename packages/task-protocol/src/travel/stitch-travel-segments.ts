/**
 * The HTTP stitch's storage half: join the segment videos (@gpuq/media's stitchStoredVideos) and store the
 * MP4 and its poster under the owner's prefix in the stitch task's folder.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredOutput } from '@gpuq/db';
import { stitchStoredVideos } from '@gpuq/media';
import { ownerPath, type Storage } from '@gpuq/storage';

export interface StitchTravelInput {
  storage: Storage;
  userId: string;
  /** The stitch task: its folder receives the result. */
  taskId: string;
  bucket: string;
  segments: readonly StoredOutput[];
  overlaps: readonly number[];
  /** Where temporary files go. Default the OS temp dir. */
  tmpDir?: string;
  signal?: AbortSignal;
}

export interface StitchedTravel {
  video: StoredOutput;
  poster: StoredOutput;
  frameCount: number;
  segmentFrames: number[];
}

export async function stitchTravelSegments(input: StitchTravelInput): Promise<StitchedTravel> {
  const workDir = await mkdtemp(join(input.tmpDir ?? tmpdir(), 'gpuq-stitch-'));
  try {
    const stitched = await stitchStoredVideos({ ...input, workDir });
    const videoPath = ownerPath(input.userId, 'tasks', input.taskId, 'travel.mp4');
    const posterPath = ownerPath(input.userId, 'tasks', input.taskId, 'thumbnails', 'travel.png');
    await input.storage.put(input.bucket, videoPath, await readFile(stitched.videoFile), 'video/mp4');
    await input.storage.put(input.bucket, posterPath, await readFile(stitched.posterFile), 'image/png');
    return {
      video: { kind: 'video', bucket: input.bucket, path: videoPath },
      poster: { kind: 'poster', bucket: input.bucket, path: posterPath },
      frameCount: stitched.frameCount,
      segmentFrames: stitched.segmentFrames,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}
