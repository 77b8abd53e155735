import { EnhancerError } from './enhancer-error.js';

/** The model answered with nothing usable after cleaning (e.g. an immediate end-of-turn). */
export class EmptyEnhancementError extends EnhancerError {
  override name = 'EmptyEnhancementError';

  constructor(options?: { cause?: unknown }) {
    super('empty_output', 'the enhancer model returned no text', options);
  }
}
