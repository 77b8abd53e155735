/**
 * Joins stored segment videos into one MP4 in a work folder: download each from storage, then
 * stitchVideos (each overlap crossfaded, sum(frames) − sum(overlaps) frames) with a poster of the
 * first frame. Storage and ffmpeg only, no database: the task protocol's HTTP stitch and the
 * wan-worker's stitch job both run it.
 */
import { join } from 'node:path';
import type { StoredFileRef } from '@gpuq/job-types';
import { downloadToFile, type Storage } from '@gpuq/storage';
import { stitchVideos } from './stitch.js';

export interface StitchStoredVideosInput {
  storage: Storage;
  segments: readonly StoredFileRef[];
  /** overlaps[i]: frames shared by segments i and i + 1. */
  overlaps: readonly number[];
  /** An existing folder the caller removes afterwards. */
  workDir: string;
  signal?: AbortSignal;
}

export interface StitchedFiles {
  videoFile: string;
  posterFile: string;
  frameCount: number;
  segmentFrames: number[];
}

export async function stitchStoredVideos(input: StitchStoredVideosInput): Promise<StitchedFiles> {
  const files: string[] = [];
  for (const [index, segment] of input.segments.entries()) {
    const file = join(input.workDir, `segment-${index}.mp4`);
    await downloadToFile(input.storage, segment, file, input.signal);
    files.push(file);
  }
  const videoFile = join(input.workDir, 'travel.mp4');
  const posterFile = join(input.workDir, 'travel.png');
  const stitched = await stitchVideos(files, videoFile, {
    overlaps: [...input.overlaps],
    posterPath: posterFile,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return { videoFile, posterFile, frameCount: stitched.frameCount, segmentFrames: stitched.segmentFrames };
}
