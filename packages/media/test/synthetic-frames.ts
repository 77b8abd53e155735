/** Frames for tests: deterministic patterns whose colors survive H.264 well enough to check. */
import type { VideoFormat } from '../src/video-format.js';

/** A moving diagonal gradient: every frame differs, so dropped or repeated frames would show. */
export function gradientFrames(format: Pick<VideoFormat, 'width' | 'height'>, count: number): Buffer[] {
  return Array.from({ length: count }, (_, t) => {
    const frame = Buffer.alloc(format.width * format.height * 3);
    for (let y = 0; y < format.height; y++) {
      for (let x = 0; x < format.width; x++) {
        const at = (y * format.width + x) * 3;
        frame[at] = (x * 4 + t * 8) & 0xff;
        frame[at + 1] = (y * 4) & 0xff;
        frame[at + 2] = 128;
      }
    }
    return frame;
  });
}

export function solidFrames(
  format: Pick<VideoFormat, 'width' | 'height'>,
  count: number,
  rgb: readonly [number, number, number],
): Buffer[] {
  return Array.from({ length: count }, () => {
    const frame = Buffer.alloc(format.width * format.height * 3);
    for (let i = 0; i < frame.length; i += 3) frame.set(rgb, i);
    return frame;
  });
}

/** Mean of each channel over a frame; robust to codec noise at single pixels. */
export function meanColor(frame: Uint8Array): [number, number, number] {
  const sum = [0, 0, 0];
  for (let i = 0; i < frame.length; i += 3) {
    sum[0]! += frame[i]!;
    sum[1]! += frame[i + 1]!;
    sum[2]! += frame[i + 2]!;
  }
  const pixels = frame.length / 3;
  return [sum[0]! / pixels, sum[1]! / pixels, sum[2]! / pixels];
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
