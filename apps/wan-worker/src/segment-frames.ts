/**
 * Frame counts of travel segments. A segment must be exactly as long as its params say (the
 * stitch is sum(frames) − sum(overlaps) long), but WAN's causal VAE makes 4k + 1 frames: render
 * the next such count and keep the first `frames`.
 */
import type { RenderedFrames } from './frames-to-files.js';

/** The smallest 4k + 1 frame count that holds `frames`. */
export function renderableFrameCount(frames: number): number {
  if (!Number.isInteger(frames) || frames < 1) throw new RangeError(`expected frames >= 1, got ${frames}`);
  return 4 * Math.ceil((frames - 1) / 4) + 1;
}

/** The first `keep` frames (no copy). */
export function keepFirstFrames(frames: RenderedFrames, keep: number): RenderedFrames {
  if (keep > frames.numFrames) throw new RangeError(`cannot keep ${keep} of ${frames.numFrames} frames`);
  const frameBytes = frames.width * frames.height * 3;
  return { ...frames, numFrames: keep, rgb: frames.rgb.subarray(0, keep * frameBytes) };
}
