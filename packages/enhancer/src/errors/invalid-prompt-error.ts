import { EnhancerError } from './enhancer-error.js';

/** The prompt to enhance is empty or too long to fit the context; bad input, do not retry. */
export class InvalidPromptError extends EnhancerError {
  override name = 'InvalidPromptError';

  constructor(reason: string) {
    super('invalid_input', `cannot enhance this prompt: ${reason}`);
  }
}
