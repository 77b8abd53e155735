/**
 * The 7B prompt enhancer of the `*7b*_enhanced` types: node-llama-cpp over the GGUF at
 * LLM_MODEL_PATH, or the generated tiny GGUF when none is set (with a warning). Failures a retry
 * cannot fix (bad input, a missing or invalid model) fail the job for good.
 */
import { join } from 'node:path';
import { EnhancerError, ensureTinyModel, PromptEnhancer } from '@gpuq/enhancer';
import type { GenerationParams } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import { UnrecoverableError } from 'bullmq';
import type { WanWorkerSettings } from './env.js';

const FINAL_ENHANCER_CODES = new Set(['invalid_input', 'model_not_found', 'model_invalid']);

export async function loadEnhancer(settings: WanWorkerSettings, logger: Logger): Promise<PromptEnhancer> {
  let modelPath = settings.LLM_MODEL_PATH;
  if (!modelPath) {
    modelPath = await ensureTinyModel(join(settings.GPUQ_DATA_DIR, 'models'));
    logger.warn({ modelPath }, 'LLM_MODEL_PATH not set: enhancing prompts with the generated tiny GGUF');
  }
  return PromptEnhancer.load({ modelPath, gpu: settings.GPUQ_DEVICE === 'cpu' ? false : 'auto' });
}

/** The detailed prompt the enhancer writes for `params.prompt`. */
export async function enhancePrompt(
  enhancer: PromptEnhancer,
  params: GenerationParams,
  context: { signal: AbortSignal; logger: Logger },
): Promise<string> {
  try {
    const enhanced = await enhancer.enhance(params.prompt, {
      target: params.frames > 1 ? 'video' : 'image',
      signal: context.signal,
      seed: params.seed,
    });
    context.logger.info(
      { tokens: enhanced.tokens, ms: enhanced.durationMs, stop: enhanced.stopReason },
      'prompt enhanced',
    );
    return enhanced.prompt;
  } catch (error) {
    if (error instanceof EnhancerError && FINAL_ENHANCER_CODES.has(error.code)) {
      throw new UnrecoverableError(error.message);
    }
    throw error;
  }
}
