import { InvalidMediaInputError } from './invalid-media-input-error.js';

/** An encode was asked for a video with zero frames (an MP4 needs at least one). */
export class NoFramesError extends InvalidMediaInputError {
  override name = 'NoFramesError';

  constructor() {
    super('cannot encode a video from zero frames');
  }
}
