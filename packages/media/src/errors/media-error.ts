/**
 * Base of every error @gpuq/media throws. `code` is stable for logs and worker decisions: a worker
 * treats `invalid_input` and `ffmpeg_not_found` as do-not-retry and `ffmpeg_failed` as transient.
 */
export type MediaErrorCode = 'invalid_input' | 'ffmpeg_not_found' | 'ffmpeg_failed' | 'aborted';

export class MediaError extends Error {
  override name = 'MediaError';
  readonly code: MediaErrorCode;

  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
