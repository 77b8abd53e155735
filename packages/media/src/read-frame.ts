/**
 * One frame of a video (or a still image, which ffmpeg reads as a one-frame video) as RGB8: the
 * frame a travel segment continues from. `index` counts from the start; a negative index counts
 * from the end (-1 = the last frame). Only frames up to the one asked for are decoded.
 */
import { decodeFrames } from './decode-frames.js';
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';
import { type ProbeOptions, probeVideo } from './probe.js';

export interface RgbFrame {
  width: number;
  height: number;
  /** width * height * 3 bytes, row-major. */
  rgb: Buffer;
  /** The frame's index from the start. */
  index: number;
  frameCount: number;
}

export interface ReadFrameOptions extends ProbeOptions {
  signal?: AbortSignal;
}

export async function readFrame(
  path: string,
  index: number,
  options: ReadFrameOptions = {},
): Promise<RgbFrame> {
  const probe = await probeVideo(path, { ...options, countFrames: true });
  const at = index < 0 ? probe.frameCount + index : index;
  if (!Number.isInteger(index) || at < 0 || at >= probe.frameCount) {
    throw new InvalidMediaInputError(`${path} has ${probe.frameCount} frames; frame ${index} does not exist`);
  }
  let current = 0;
  for await (const frame of decodeFrames(path, probe, options)) {
    if (current === at) {
      return {
        width: probe.width,
        height: probe.height,
        rgb: frame,
        index: at,
        frameCount: probe.frameCount,
      };
    }
    current += 1;
  }
  throw new InvalidMediaInputError(
    `${path}: the decoder stopped after ${current} of ${probe.frameCount} frames`,
  );
}
