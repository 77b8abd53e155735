/**
 * Base of every error the enhancer throws, so a worker can catch the family in one place.
 * `code` is stable for logs and callbacks; `message` is for people.
 */
export type EnhancerErrorCode =
  | 'model_not_found'
  | 'model_invalid'
  | 'runtime_unavailable'
  | 'timeout'
  | 'aborted'
  | 'empty_output'
  | 'invalid_input';

export class EnhancerError extends Error {
  override name = 'EnhancerError';
  readonly code: EnhancerErrorCode;

  constructor(code: EnhancerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
