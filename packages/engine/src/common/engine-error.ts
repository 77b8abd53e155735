import { type EngineErrorCode, isEngineErrorCode } from './error-codes.js';

/**
 * The one error type the engine throws. `code` tells workers what happened: bad input and
 * missing models are not worth retrying (GPUQ_INVALID_ARGUMENT, GPUQ_NOT_FOUND, GPUQ_BAD_FORMAT,
 * GPUQ_UNSUPPORTED), GPUQ_CANCELLED follows an abort, GPUQ_DEVICE_LOST means this process's GPU
 * context is dead (hand the job back and exit: another process retries it), the rest may be
 * transient.
 */
export class EngineError extends Error {
  override readonly name = 'EngineError';
  readonly code: EngineErrorCode;

  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Wraps a native rejection, keeping its C++ message and code and the caller's JS stack. */
  static fromNative(err: unknown, context: string): EngineError {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown } | null)?.code;
    return new EngineError(isEngineErrorCode(code) ? code : 'GPUQ_INTERNAL', `${context}: ${message}`, {
      cause: err,
    });
  }

  get retryable(): boolean {
    return (
      this.code === 'GPUQ_OUT_OF_MEMORY' || this.code === 'GPUQ_INTERNAL' || this.code === 'GPUQ_DEVICE_LOST'
    );
  }
}
