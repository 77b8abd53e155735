/**
 * The error codes shared with the C++ core: every native error carries one as `code`, and the
 * wrapper's own validation uses GPUQ_INVALID_ARGUMENT. Listed once, in @gpuq/engine-errors.
 */
export { ENGINE_ERROR_CODES, type EngineErrorCode, isEngineErrorCode } from '@gpuq/engine-errors';
