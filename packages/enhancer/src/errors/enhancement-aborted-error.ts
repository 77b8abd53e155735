import { EnhancerError } from './enhancer-error.js';

/** The caller's AbortSignal fired (job cancelled); distinct from our own timeout. */
export class EnhancementAbortedError extends EnhancerError {
  override name = 'EnhancementAbortedError';

  constructor(options?: { cause?: unknown }) {
    super('aborted', 'prompt enhancement was aborted', options);
  }
}
