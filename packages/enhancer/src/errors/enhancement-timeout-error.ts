import { EnhancerError } from './enhancer-error.js';

/** Generation ran past its wall-time budget before producing any usable text. */
export class EnhancementTimeoutError extends EnhancerError {
  override name = 'EnhancementTimeoutError';
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: { cause?: unknown }) {
    super('timeout', `prompt enhancement produced no text within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}
