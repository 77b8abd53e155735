/**
 * 8-bit RGB PNG encoding (and decoding, for tests and comparisons) with pngjs, the codec
 * `@gpuq/media` uses for posters: its adaptive row filters give files about half the size of
 * unfiltered rows at the same speed. The C++ core has its own (core/src/io/png.cpp) for the
 * fixture replay, which also runs as a tool without Node.
 */
import { PNG } from 'pngjs';
import { EngineError } from './engine-error.js';

const RGB = 2; // PNG colour type 2: truecolour without alpha
const RGB_OPTIONS = { colorType: RGB, inputColorType: RGB, inputHasAlpha: false } as const;

/** Encodes row-major RGB bytes (width * height * 3) as a PNG file. */
export function encodePng(rgb: Uint8Array, width: number, height: number): Buffer {
  if (rgb.length !== width * height * 3) {
    throw new EngineError(
      'GPUQ_INVALID_ARGUMENT',
      `expected ${width * height * 3} RGB bytes, got ${rgb.length}`,
    );
  }
  const png = new PNG({ width, height, ...RGB_OPTIONS });
  png.data = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.length);
  return PNG.sync.write(png, RGB_OPTIONS);
}

/** Decodes a PNG to RGB bytes (alpha dropped). */
export function decodePng(png: Buffer): { width: number; height: number; rgb: Uint8Array } {
  let decoded: PNG;
  try {
    decoded = PNG.sync.read(png); // always RGBA after decoding
  } catch (err) {
    throw new EngineError('GPUQ_BAD_FORMAT', `not a PNG this decoder reads: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const { width, height, data } = decoded;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(data.subarray(i * 4, i * 4 + 3), i * 3);
  return { width, height, rgb };
}
