import { MediaError } from './media-error.js';

/** The caller's frames, sizes, rates or segments are unusable; retrying the same input cannot help. */
export class InvalidMediaInputError extends MediaError {
  override name = 'InvalidMediaInputError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('invalid_input', message, options);
  }
}
