import { describe, expect, it } from 'vitest';
import { keepFirstFrames, renderableFrameCount } from './segment-frames.js';

describe('renderableFrameCount', () => {
  it('rounds up to the 4k + 1 counts the causal VAE makes', () => {
    expect([1, 2, 5, 9, 11, 13, 14, 81].map(renderableFrameCount)).toEqual([1, 5, 5, 9, 13, 13, 17, 81]);
  });

  it('refuses counts below one', () => {
    expect(() => renderableFrameCount(0)).toThrow(RangeError);
  });
});

describe('keepFirstFrames', () => {
  const frames = {
    width: 2,
    height: 1,
    numFrames: 3,
    rgb: Uint8Array.from({ length: 18 }, (_, i) => i),
    poster: new Uint8Array(),
  };

  it('keeps the leading frames in order', () => {
    const kept = keepFirstFrames(frames, 2);
    expect(kept.numFrames).toBe(2);
    expect([...kept.rgb]).toEqual([...frames.rgb.subarray(0, 12)]);
  });

  it('refuses to keep more frames than were rendered', () => {
    expect(() => keepFirstFrames(frames, 4)).toThrow(RangeError);
  });
});
