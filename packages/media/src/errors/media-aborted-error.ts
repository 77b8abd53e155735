import { MediaError } from './media-error.js';

/** The caller's AbortSignal fired; the child process was killed and partial output removed. */
export class MediaAbortedError extends MediaError {
  override name = 'MediaAbortedError';

  constructor(options?: { cause?: unknown }) {
    super('aborted', 'media operation was aborted', options);
  }
}
