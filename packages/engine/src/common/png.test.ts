import { describe, expect, it } from 'vitest';
import { decodePng, encodePng } from './png.js';

describe('png', () => {
  it('round-trips RGB pixels', () => {
    const rgb = new Uint8Array(5 * 3 * 3).map((_, i) => (i * 37) & 0xff);
    const png = encodePng(rgb, 5, 3);
    const back = decodePng(png);
    expect(back.width).toBe(5);
    expect(back.height).toBe(3);
    expect(Array.from(back.rgb)).toEqual(Array.from(rgb));
  });

  it('rejects bytes that are not a PNG as a bad format', () => {
    expect(() => decodePng(Buffer.from('GIF89a not a png'))).toThrow(
      expect.objectContaining({ code: 'GPUQ_BAD_FORMAT' }),
    );
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 2)).toThrow(/expected 12 RGB bytes/);
  });
});
