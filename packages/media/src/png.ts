/**
 * RGB8 frames to and from PNG with pngjs: pure JavaScript (no install script, no native build),
 * the most used PNG codec on npm. A hand-written zlib encoder would be ~60 lines plus CRC and
 * filter code to maintain, and tests would still want a decoder; pngjs gives both.
 */
import { PNG } from 'pngjs';
import { FrameSizeError } from './errors/frame-size-error.js';
import { assertVideoFormat, describeFormat, frameBytes } from './video-format.js';

const RGB = 2; // PNG color type 2: truecolor without alpha

export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  assertVideoFormat({ width, height, fps: 1 });
  const expected = frameBytes({ width, height });
  if (rgb.length !== expected)
    throw new FrameSizeError(0, expected, rgb.length, describeFormat({ width, height }));
  const png = new PNG({ width, height, colorType: RGB, inputColorType: RGB, inputHasAlpha: false });
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.length);
  return PNG.sync.write(png, { colorType: RGB, inputColorType: RGB, inputHasAlpha: false });
}

export interface DecodedImage {
  width: number;
  height: number;
  /** RGB8, alpha dropped. */
  rgb: Buffer;
}

export function decodePng(data: Buffer): DecodedImage {
  const png = PNG.sync.read(data); // always RGBA after decoding
  const rgb = Buffer.alloc(png.width * png.height * 3);
  for (let src = 0, dst = 0; dst < rgb.length; src += 4, dst += 3) {
    rgb[dst] = png.data[src]!;
    rgb[dst + 1] = png.data[src + 1]!;
    rgb[dst + 2] = png.data[src + 2]!;
  }
  return { width: png.width, height: png.height, rgb };
}
