import { describe, expect, it } from 'vitest';
import { gradientFrames } from '../test/synthetic-frames.js';
import { FrameSizeError } from './errors/frame-size-error.js';
import { decodePng, encodePng } from './png.js';

describe('png', () => {
  it('round-trips RGB8 exactly, odd sizes included', () => {
    const [frame] = gradientFrames({ width: 7, height: 5 }, 1);
    const png = encodePng(frame!, 7, 5);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png[25]).toBe(2); // IHDR color type: truecolor, no alpha
    const decoded = decodePng(png);
    expect(decoded).toMatchObject({ width: 7, height: 5 });
    expect(decoded.rgb.equals(frame!)).toBe(true);
  });

  it('rejects a buffer that does not match the size', () => {
    expect(() => encodePng(Buffer.alloc(10), 4, 4)).toThrow(FrameSizeError);
  });
});
