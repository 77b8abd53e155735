/**
 * The shape of raw frames: RGB8, packed, top row first, `width × height × 3` bytes each, the
 * layout the engine's VAE decoder hands over and ffmpeg's `rgb24` reads without conversion.
 */
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';

export interface VideoFormat {
  width: number;
  height: number;
  /** Frames per second; WAN 2.1 renders at 16. */
  fps: number;
}

/** The largest side ffmpeg's libx264 accepts comfortably; guards against swapped arguments. */
const MAX_SIDE = 16384;

export function assertVideoFormat(format: VideoFormat): void {
  for (const side of ['width', 'height'] as const) {
    const value = format[side];
    if (!Number.isInteger(value) || value < 1 || value > MAX_SIDE) {
      throw new InvalidMediaInputError(`expected ${side} to be an integer in 1..${MAX_SIDE}, got ${value}`);
    }
  }
  if (!Number.isFinite(format.fps) || format.fps <= 0 || format.fps > 240) {
    throw new InvalidMediaInputError(`expected fps in (0, 240], got ${format.fps}`);
  }
}

export function frameBytes(format: Pick<VideoFormat, 'width' | 'height'>): number {
  return format.width * format.height * 3;
}

export function describeFormat(format: Pick<VideoFormat, 'width' | 'height'>): string {
  return `${format.width}x${format.height}`;
}
