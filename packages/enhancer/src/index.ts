export { checkModelFile } from './check-model-file.js';
export { cleanEnhancedText } from './clean-output.js';
export { EmptyEnhancementError } from './errors/empty-enhancement-error.js';
export { EnhancementAbortedError } from './errors/enhancement-aborted-error.js';
export { EnhancementTimeoutError } from './errors/enhancement-timeout-error.js';
export { EnhancerError, type EnhancerErrorCode } from './errors/enhancer-error.js';
export { InvalidPromptError } from './errors/invalid-prompt-error.js';
export { ModelInvalidError } from './errors/model-invalid-error.js';
export { ModelNotFoundError } from './errors/model-not-found-error.js';
export { RuntimeUnavailableError } from './errors/runtime-unavailable-error.js';
export { type GgufValue, gguf } from './gguf/gguf-value.js';
export { encodeGguf, type GgufFile, type GgufTensor } from './gguf/gguf-writer.js';
export { buildTinyModel, CHATML_TEMPLATE, type TinyModelOptions, tinyModelBytes } from './gguf/tiny-model.js';
export type { EnhancerGpu } from './llama-runtime.js';
export {
  type EnhanceOptions,
  type EnhanceResult,
  PromptEnhancer,
  type PromptEnhancerOptions,
} from './prompt-enhancer.js';
export {
  buildEnhancerMessages,
  type EnhancerMessages,
  type EnhanceTarget,
  renderChatMl,
} from './prompt-template.js';
export { ensureTinyModel } from './tiny-model-file.js';
