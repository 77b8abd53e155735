/**
 * The weight precision setting: the dtype a component's matrices are kept in. `auto` picks per
 * component (component-dtypes.ts); the others apply to every component except a VAE whose config
 * says `force_upcast`.
 */
import { EngineError } from '../common/engine-error.js';

export const WEIGHT_DTYPES = ['auto', 'fp32', 'fp16', 'bf16'] as const;
export type WeightDtype = (typeof WEIGHT_DTYPES)[number];
/** What a component is actually stored in. */
export type StorageDtype = Exclude<WeightDtype, 'auto'>;

/** Bytes per element of each safetensors dtype the engine reads (F8 and GGUF are not supported). */
export const SAFETENSORS_DTYPE_BYTES: Readonly<Record<string, number>> = {
  F32: 4,
  F16: 2,
  BF16: 2,
  F64: 8,
  I64: 8,
  I32: 4,
  U8: 1,
};

export const STORAGE_BYTES: Readonly<Record<StorageDtype, number>> = { fp32: 4, fp16: 2, bf16: 2 };

export function checkWeightDtype(value: unknown, what: string): WeightDtype {
  if (typeof value === 'string' && (WEIGHT_DTYPES as readonly string[]).includes(value)) {
    return value as WeightDtype;
  }
  throw new EngineError(
    'GPUQ_INVALID_ARGUMENT',
    `expected ${WEIGHT_DTYPES.join(', ')} for ${what}, got ${String(value)}`,
  );
}

/** A published safetensors dtype as a storage dtype (fp32 for anything that is not a half type). */
export function storageOfPublished(dtype: string): StorageDtype {
  return dtype === 'F16' ? 'fp16' : dtype === 'BF16' ? 'bf16' : 'fp32';
}
