/**
 * The stitch itself, with storage and ffmpeg only (no database), so our wan-worker can run it in
 * a BullMQ job and report through its callback: download the segment videos, join them with
 * @gpuq/media's stitchVideos (each overlap crossfaded, sum(frames) − sum(overlaps) frames), and
 * store the MP4 and its poster under the owner's prefix.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import type { StoredOutput } from '@gpuq/db';
import { type StitchedVideo, stitchVideos } from '@gpuq/media';
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
  const work = await mkdtemp(join(input.tmpDir ?? tmpdir(), 'gpuq-stitch-'));
  try {
    const files: string[] = [];
    for (const [index, segment] of input.segments.entries()) {
      const file = join(work, `segment-${index}.mp4`);
      const object = await input.storage.get(segment.bucket, segment.path);
      await pipeline(Readable.fromWeb(object.body as NodeWebStream<Uint8Array>), createWriteStream(file));
      files.push(file);
    }
    const out = join(work, 'travel.mp4');
    const stitched: StitchedVideo = await stitchVideos(files, out, {
      overlaps: [...input.overlaps],
      posterPath: join(work, 'travel.png'),
      ...(input.signal ? { signal: input.signal } : {}),
    });
    const videoPath = ownerPath(input.userId, 'tasks', input.taskId, 'travel.mp4');
    const posterPath = ownerPath(input.userId, 'tasks', input.taskId, 'thumbnails', 'travel.png');
    await input.storage.put(input.bucket, videoPath, await readFile(out), 'video/mp4');
    await input.storage.put(input.bucket, posterPath, await readFile(join(work, 'travel.png')), 'image/png');
    return {
      video: { kind: 'video', bucket: input.bucket, path: videoPath },
      poster: { kind: 'poster', bucket: input.bucket, path: posterPath },
      frameCount: stitched.frameCount,
      segmentFrames: stitched.segmentFrames,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
