/**
 * The WAN fleet's model. The 7B prompt enhancer runs for real (node-llama-cpp over the GGUF at
 * LLM_MODEL_PATH, or the generated tiny GGUF); the WAN 2.1 pipeline of the native engine is the
 * work of the WAN engine issue and is not built yet, so generation is refused as unrecoverable with
 * that reason — the job lands failed and refunded, never faked.
 */
import { join } from 'node:path';
import { EnhancerError, ensureTinyModel, PromptEnhancer } from '@gpuq/enhancer';
import type { Logger } from '@gpuq/logger';
import type { GenerationModel } from '@gpuq/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import type { WanWorkerSettings } from './env.js';

export const WAN_ENGINE_PENDING = 'the WAN 2.1 pipeline is not built into the native engine yet';

/** Enhancer failures that a retry cannot fix. */
const FINAL_ENHANCER_CODES = new Set(['invalid_input', 'model_not_found', 'model_invalid']);

export async function loadWanModel(settings: WanWorkerSettings, logger: Logger): Promise<GenerationModel> {
  let modelPath = settings.LLM_MODEL_PATH;
  if (!modelPath) {
    modelPath = await ensureTinyModel(join(settings.GPUQ_DATA_DIR, 'models'));
    logger.warn({ modelPath }, 'LLM_MODEL_PATH not set: enhancing prompts with the generated tiny GGUF');
  }
  const enhancer = await PromptEnhancer.load({
    modelPath,
    gpu: settings.GPUQ_DEVICE === 'cpu' ? false : 'auto',
  });
  return {
    description: `WAN (engine pending), enhancer ${modelPath}`,
    async run(job, { signal, logger: jobLogger }) {
      const params = job.generation;
      if (!params) throw new UnrecoverableError(`${job.taskType} carries no generation parameters`);
      if (params.enhancePrompt) {
        try {
          const enhanced = await enhancer.enhance(params.prompt, {
            target: params.frames > 1 ? 'video' : 'image',
            signal,
            seed: params.seed,
          });
          jobLogger.info(
            {
              tokens: enhanced.tokens,
              ms: enhanced.durationMs,
              stop: enhanced.stopReason,
              enhanced: enhanced.prompt.slice(0, 200),
            },
            'prompt enhanced',
          );
        } catch (error) {
          if (error instanceof EnhancerError && FINAL_ENHANCER_CODES.has(error.code))
            throw new UnrecoverableError(error.message);
          throw error;
        }
      }
      throw new UnrecoverableError(WAN_ENGINE_PENDING);
    },
  };
}
