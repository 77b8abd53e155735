import { describe, expect, it } from 'vitest';
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';
import { evenSize } from './even-size.js';

describe('evenSize', () => {
  it('leaves even sizes alone', () => {
    expect(evenSize({ width: 832, height: 480, fps: 16 }, 'error')).toEqual({
      width: 832,
      height: 480,
      adjustment: 'none',
      filter: undefined,
    });
  });

  it('pads with repeated edge pixels, or crops, only the odd side', () => {
    expect(evenSize({ width: 833, height: 480, fps: 16 }, 'pad')).toMatchObject({
      width: 834,
      height: 480,
      filter: 'pad=834:480:0:0,fillborders=right=1:bottom=0:mode=smear',
    });
    expect(evenSize({ width: 833, height: 481, fps: 16 }, 'crop')).toMatchObject({
      width: 832,
      height: 480,
      adjustment: 'cropped',
    });
  });

  it('rejects odd sizes under the error policy and one-pixel crops', () => {
    expect(() => evenSize({ width: 3, height: 3, fps: 1 }, 'error')).toThrow(InvalidMediaInputError);
    expect(() => evenSize({ width: 1, height: 4, fps: 1 }, 'crop')).toThrow(/one-pixel/);
  });
});
