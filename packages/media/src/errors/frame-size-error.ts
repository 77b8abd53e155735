import { InvalidMediaInputError } from './invalid-media-input-error.js';

/** A frame's byte length does not match width × height × 3 (RGB8) of the declared format. */
export class FrameSizeError extends InvalidMediaInputError {
  override name = 'FrameSizeError';
  readonly frameIndex: number;
  readonly expectedBytes: number;
  readonly actualBytes: number;

  constructor(frameIndex: number, expectedBytes: number, actualBytes: number, format: string) {
    super(`frame ${frameIndex} has ${actualBytes} bytes; ${format} RGB8 needs ${expectedBytes}`);
    this.frameIndex = frameIndex;
    this.expectedBytes = expectedBytes;
    this.actualBytes = actualBytes;
  }
}
