export { describeDevice } from './common/device-self-check.js';
export { EngineError } from './common/engine-error.js';
export { ENGINE_ERROR_CODES, type EngineErrorCode, isEngineErrorCode } from './common/error-codes.js';
export type { GenerateOptions, GenerateProgress } from './common/generate-options.js';
export type { LoadOptions } from './common/load-options.js';
export { type DeviceSelfCheck, type NativeComponentMemory, native, type ReplayRow } from './common/native.js';
export { decodePng, encodePng } from './common/png.js';
export { SCHEDULER_NAMES, Scheduler, type SchedulerName, type SchedulerTables } from './common/scheduler.js';
export { checkTensor, numel, type TensorF32 } from './common/tensor.js';
export { formatMemoryPlan, memoryPlanSummary } from './memory/describe-memory-plan.js';
export { formatBytes } from './memory/format-bytes.js';
export { MemoryPlanError } from './memory/memory-plan-error.js';
export {
  type ComponentPlan,
  type MemoryPlan,
  type MemoryPlanOptions,
  planMemory,
} from './memory/plan-memory.js';
export {
  checkWeightDtype,
  type StorageDtype,
  WEIGHT_DTYPES,
  type WeightDtype,
} from './memory/weight-dtype.js';
export type { GenerationSize, WorkingSetEstimate } from './memory/working-set.js';
export type { GenerateRequest, GenerateResult, TokenIds } from './sdxl/generate-request.js';
export {
  type ClipEncoderOutput,
  SdxlEngine,
  type TextEncoding,
  type UNetInputs,
} from './sdxl/sdxl-engine.js';
export { resolveSdxlModelPath, SDXL_BASE_CONFIG_DIR, type SdxlModelPath } from './sdxl/sdxl-model-path.js';
export { createTinyCheckpoint } from './sdxl/tiny-checkpoint.js';
export { ClipTokenizer, type ClipTokenizerOptions } from './tokenizer/clip-tokenizer.js';
export { wanPromptClean } from './tokenizer/prompt-clean.js';
export { clipTokenizerFromFolder, sdxlTokenizers } from './tokenizer/sdxl-tokenizers.js';
export { parseSentencePieceModel, type SentencePieceModel } from './tokenizer/sentencepiece-model.js';
export { parseUnigramTokenizerJson } from './tokenizer/tokenizer-json.js';
export { type UnigramEncoding, UnigramTokenizer } from './tokenizer/unigram-tokenizer.js';
export {
  createTinyWanCheckpoint,
  type TinyWanCheckpointOptions,
  tinyWanTensorShapes,
} from './wan/tiny-wan-checkpoint.js';
export { type NativeWanPipeline, type StageOutput, WanEngine } from './wan/wan-engine.js';
export {
  WAN_SCHEDULER_NAMES,
  type WanConditioningImage,
  type WanGenerateRequest,
  type WanGenerateResult,
  type WanSchedulerName,
  type WanTokenIds,
} from './wan/wan-request.js';
