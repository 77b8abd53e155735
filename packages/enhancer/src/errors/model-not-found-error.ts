import { EnhancerError } from './enhancer-error.js';

/** The configured GGUF path does not exist or is not a file. Retrying will not help. */
export class ModelNotFoundError extends EnhancerError {
  override name = 'ModelNotFoundError';
  readonly modelPath: string;

  constructor(modelPath: string, options?: { cause?: unknown }) {
    super(
      'model_not_found',
      `enhancer model not found at ${modelPath} (set LLM_MODEL_PATH to a GGUF file, or leave it unset for the tiny model)`,
      options,
    );
    this.modelPath = modelPath;
  }
}
