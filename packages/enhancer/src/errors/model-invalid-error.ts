import { EnhancerError } from './enhancer-error.js';

/** The file exists but is not a GGUF model llama.cpp can load (wrong magic, truncated, bad tensors). */
export class ModelInvalidError extends EnhancerError {
  override name = 'ModelInvalidError';
  readonly modelPath: string;

  constructor(modelPath: string, reason: string, options?: { cause?: unknown }) {
    super('model_invalid', `enhancer model at ${modelPath} is not a loadable GGUF file: ${reason}`, options);
    this.modelPath = modelPath;
  }
}
