/**
 * Error codes shared with the C++ core (core/src/util/error.h): every native error carries one
 * as `code`, and the wrapper's own validation uses GPUQ_INVALID_ARGUMENT.
 */
export const ENGINE_ERROR_CODES = [
  'GPUQ_INVALID_ARGUMENT',
  'GPUQ_NOT_FOUND',
  'GPUQ_BAD_FORMAT',
  'GPUQ_UNSUPPORTED',
  'GPUQ_CANCELLED',
  'GPUQ_OUT_OF_MEMORY',
  'GPUQ_DEVICE_LOST',
  'GPUQ_INTERNAL',
  'GPUQ_ADDON_LOAD',
] as const;

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

export function isEngineErrorCode(value: unknown): value is EngineErrorCode {
  return typeof value === 'string' && (ENGINE_ERROR_CODES as readonly string[]).includes(value);
}
