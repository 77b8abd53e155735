/**
 * WAN's output frames as the files a job stores: one PNG for a still (no frame rate); for videos
 * an H.264 MP4 (yuv420p, faststart) and a poster PNG of the first frame, through Debian's ffmpeg.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMp4 } from '@gpuq/media';
import type { GeneratedFile } from '@gpuq/worker-runtime';

export interface RenderedFrames {
  width: number;
  height: number;
  numFrames: number;
  /** RGB bytes, frame after frame. */
  rgb: Uint8Array;
  /** The first frame as PNG. */
  poster: Uint8Array;
}

/** `fps` null: a still image (the first frame). */
export async function framesToFiles(
  frames: RenderedFrames,
  fps: number | null,
  signal: AbortSignal,
): Promise<GeneratedFile[]> {
  if (fps === null) {
    return [{ kind: 'image', filename: 'image-0.png', contentType: 'image/png', bytes: frames.poster }];
  }
  const frameBytes = frames.width * frames.height * 3;
  const each = function* () {
    for (let index = 0; index < frames.numFrames; index += 1) {
      yield frames.rgb.subarray(index * frameBytes, (index + 1) * frameBytes);
    }
  };
  const dir = await mkdtemp(join(tmpdir(), 'gpuq-wan-'));
  try {
    const video = join(dir, 'video.mp4');
    await encodeMp4(each(), { width: frames.width, height: frames.height, fps }, video, {
      signal,
    });
    return [
      { kind: 'video', filename: 'video.mp4', contentType: 'video/mp4', bytes: await readFile(video) },
      { kind: 'poster', filename: 'poster.png', contentType: 'image/png', bytes: frames.poster },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
