/**
 * Frames arrive either as an array (the engine's whole clip) or as an async iterable (a stitch
 * decoding segments on the fly). `checkedFrames` validates each one as it passes, so a bad frame
 * stops the encode at that frame instead of producing a skewed video.
 */
import { FrameSizeError } from './errors/frame-size-error.js';
import { NoFramesError } from './errors/no-frames-error.js';
import { describeFormat, frameBytes, type VideoFormat } from './video-format.js';

export type FrameSource = Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

export interface FrameTally {
  count: number;
  /** The frame chosen for the poster, once it has passed. */
  poster: Uint8Array | undefined;
}

/** Fails before any process starts when an array is obviously wrong. */
export function precheckFrames(frames: FrameSource, format: VideoFormat): void {
  if (!Array.isArray(frames)) return;
  if (frames.length === 0) throw new NoFramesError();
  const expected = frameBytes(format);
  frames.forEach((frame: Uint8Array, index) => {
    if (frame.length !== expected)
      throw new FrameSizeError(index, expected, frame.length, describeFormat(format));
  });
}

export async function* checkedFrames(
  frames: FrameSource,
  format: VideoFormat,
  tally: FrameTally,
  posterIndex: number,
): AsyncGenerator<Uint8Array> {
  const expected = frameBytes(format);
  for await (const frame of frames) {
    if (frame.length !== expected)
      throw new FrameSizeError(tally.count, expected, frame.length, describeFormat(format));
    // Keep the poster frame; with a late index keep the latest so far (the last frame wins).
    if (tally.count <= posterIndex) tally.poster = frame;
    tally.count++;
    yield frame;
  }
  if (tally.count === 0) throw new NoFramesError();
}
