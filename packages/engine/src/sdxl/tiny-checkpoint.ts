import { EngineError } from '../common/engine-error.js';
import { native } from '../common/native.js';

/**
 * Writes a random-weight SDXL checkpoint in the diffusers layout (diffusers' SDXL test sizes, a
 * byte-level CLIP tokenizer so text prompts work) — what the demo and tests run when no real
 * weights are configured. Same seed, same weights. Resolves with `dir`.
 */
export async function createTinyCheckpoint(dir: string, options: { seed?: number } = {}): Promise<string> {
  const seed = options.seed ?? 0;
  if (typeof dir !== 'string' || dir === '') {
    throw new EngineError('GPUQ_INVALID_ARGUMENT', `expected a directory path for dir, got ${String(dir)}`);
  }
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new EngineError('GPUQ_INVALID_ARGUMENT', `expected a non-negative integer for seed, got ${seed}`);
  }
  try {
    return await native().makeTinyCheckpoint(dir, seed);
  } catch (err) {
    throw EngineError.fromNative(err, `createTinyCheckpoint ${dir}`);
  }
}
