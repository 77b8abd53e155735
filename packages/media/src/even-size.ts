/**
 * H.264 in yuv420p stores chroma at half resolution, so both sides must be even. The engine can
 * produce odd sizes (a user asks for 833x481); rather than fail late inside ffmpeg we decide here:
 *  - `pad` (default): add one column/row that repeats the edge pixels, so nothing is lost and no
 *    black line appears;
 *  - `crop`: drop the last column/row;
 *  - `error`: reject the input.
 */
import { InvalidMediaInputError } from './errors/invalid-media-input-error.js';
import type { VideoFormat } from './video-format.js';

export type OddSizePolicy = 'pad' | 'crop' | 'error';

export interface EvenSize {
  width: number;
  height: number;
  /** What was done, for the result and logs. */
  adjustment: 'none' | 'padded' | 'cropped';
  /** ffmpeg `-vf` filter chain, or undefined when the size is already even. */
  filter: string | undefined;
}

export function evenSize(format: VideoFormat, policy: OddSizePolicy): EvenSize {
  const oddWidth = format.width % 2;
  const oddHeight = format.height % 2;
  if (!oddWidth && !oddHeight) return { ...pick(format), adjustment: 'none', filter: undefined };
  if (policy === 'error') {
    throw new InvalidMediaInputError(
      `H.264 yuv420p needs even sides, got ${format.width}x${format.height} (use oddSize 'pad' or 'crop')`,
    );
  }
  if (policy === 'crop') {
    const width = format.width - oddWidth;
    const height = format.height - oddHeight;
    if (width === 0 || height === 0) throw new InvalidMediaInputError('cannot crop a one-pixel side to even');
    return { width, height, adjustment: 'cropped', filter: `crop=${width}:${height}:0:0` };
  }
  const width = format.width + oddWidth;
  const height = format.height + oddHeight;
  return {
    width,
    height,
    adjustment: 'padded',
    filter: `pad=${width}:${height}:0:0,fillborders=right=${oddWidth}:bottom=${oddHeight}:mode=smear`,
  };
}

function pick(format: VideoFormat): { width: number; height: number } {
  return { width: format.width, height: format.height };
}
