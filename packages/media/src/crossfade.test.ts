import { describe, expect, it } from 'vitest';
import { blendFrames, crossfadeWeight } from './crossfade.js';

describe('crossfade', () => {
  it('steps the incoming weight strictly between 0 and 1 across the overlap', () => {
    expect([0, 1, 2].map((i) => crossfadeWeight(i, 3))).toEqual([0.25, 0.5, 0.75]);
  });

  it('blends bytes linearly and rounds', () => {
    const out = blendFrames(Uint8Array.from([0, 100, 255]), Uint8Array.from([255, 200, 0]), 0.25);
    expect([...out]).toEqual([64, 125, 191]);
  });
});
