/**
 * The WAN fleet's model: the 7B prompt enhancer (node-llama-cpp over the GGUF at LLM_MODEL_PATH,
 * or the generated tiny GGUF) for the enhanced types, then WAN 2.1 text-to-video / text-to-image
 * on the native engine (the checkpoint at WAN_MODEL_DIR, or the generated tiny one), frames
 * encoded to MP4 with a poster, or one PNG. Travel segments render their own frame count; travel
 * stitches join stored segments (travel-stitch-job.ts) without the engine.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTinyWanCheckpoint, WanEngine, type WanSchedulerName } from '@gpuq/engine';
import { EnhancerError, ensureTinyModel, PromptEnhancer } from '@gpuq/enhancer';
import type { SchedulerName } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import { type GenerationModel, jobErrorFromEngine } from '@gpuq/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import type { WanWorkerSettings } from './env.js';
import { framesToFiles } from './frames-to-files.js';
import { REAL_WAN_PROFILE, TINY_WAN_PROFILE, type WanProfile } from './model-profile.js';
import { keepFirstFrames, renderableFrameCount } from './segment-frames.js';
import { runTravelStitchJob } from './travel-stitch-job.js';

const SCHEDULERS: Partial<Record<SchedulerName, WanSchedulerName>> = {
  unipc_flow: 'unipc',
  flow_euler: 'flow_euler',
};

/** Enhancer failures that a retry cannot fix. */
const FINAL_ENHANCER_CODES = new Set(['invalid_input', 'model_not_found', 'model_invalid']);

async function loadEnhancer(settings: WanWorkerSettings, logger: Logger): Promise<PromptEnhancer> {
  let modelPath = settings.LLM_MODEL_PATH;
  if (!modelPath) {
    modelPath = await ensureTinyModel(join(settings.GPUQ_DATA_DIR, 'models'));
    logger.warn({ modelPath }, 'LLM_MODEL_PATH not set: enhancing prompts with the generated tiny GGUF');
  }
  return PromptEnhancer.load({ modelPath, gpu: settings.GPUQ_DEVICE === 'cpu' ? false : 'auto' });
}

async function loadWan(
  settings: WanWorkerSettings,
  logger: Logger,
): Promise<{ engine: WanEngine; profile: WanProfile; dir: string }> {
  if (settings.WAN_MODEL_DIR) {
    return {
      engine: await WanEngine.load(settings.WAN_MODEL_DIR, { device: settings.GPUQ_DEVICE }),
      profile: REAL_WAN_PROFILE,
      dir: settings.WAN_MODEL_DIR,
    };
  }
  const dir = join(settings.GPUQ_DATA_DIR, 'models', 'wan-tiny');
  if (!existsSync(join(dir, 'model_index.json'))) {
    await mkdir(join(settings.GPUQ_DATA_DIR, 'models'), { recursive: true });
    await createTinyWanCheckpoint(dir);
  }
  logger.warn({ dir }, 'WAN_MODEL_DIR not set: running the generated tiny random-weight WAN checkpoint');
  return {
    engine: await WanEngine.load(dir, { device: settings.GPUQ_DEVICE }),
    profile: TINY_WAN_PROFILE,
    dir,
  };
}

export async function loadWanModel(settings: WanWorkerSettings, logger: Logger): Promise<GenerationModel> {
  const enhancer = await loadEnhancer(settings, logger);
  const { engine, profile, dir } = await loadWan(settings, logger);
  return {
    description: `WAN 2.1 ${dir} (${profile.name}, ${settings.GPUQ_DEVICE})`,
    async run(job, context) {
      const { signal, onProgress, logger: jobLogger } = context;
      if (job.travel?.kind === 'stitch') return runTravelStitchJob(job.travel, context);
      const params = job.generation;
      if (!params) throw new UnrecoverableError(`${job.taskType} carries no generation parameters`);
      const scheduler = SCHEDULERS[params.scheduler];
      if (!scheduler) throw new UnrecoverableError(`scheduler ${params.scheduler} is not a WAN scheduler`);
      let prompt = params.prompt;
      let enhancedPrompt: string | undefined;
      if (params.enhancePrompt) {
        try {
          const enhanced = await enhancer.enhance(prompt, {
            target: params.frames > 1 ? 'video' : 'image',
            signal,
            seed: params.seed,
          });
          jobLogger.info(
            { tokens: enhanced.tokens, ms: enhanced.durationMs, stop: enhanced.stopReason },
            'prompt enhanced',
          );
          enhancedPrompt = enhanced.prompt;
          prompt = enhanced.prompt;
        } catch (error) {
          if (error instanceof EnhancerError && FINAL_ENHANCER_CODES.has(error.code))
            throw new UnrecoverableError(error.message);
          throw error;
        }
      }
      // A travel segment keeps its exact length on every profile; presets follow the profile.
      const segment = job.travel?.kind === 'segment' ? job.travel : null;
      const frameCount = segment ? params.frames : profile.frames(params.frames);
      try {
        const rendered = await engine.generate(
          {
            prompt,
            negativePrompt: params.negativePrompt,
            ...profile.size(params.width, params.height),
            numFrames: renderableFrameCount(frameCount),
            steps: params.steps,
            guidanceScale: params.guidanceScale,
            scheduler,
            ...(params.flowShift ? { flowShift: params.flowShift } : {}),
            seed: params.seed,
          },
          { signal, onProgress: ({ step, total }) => onProgress(step / total) },
        );
        const frames = keepFirstFrames(rendered, frameCount);
        const files = await framesToFiles(frames, params.fps, signal);
        return {
          files,
          ...(enhancedPrompt ? { enhancedPrompt } : {}),
          ...(segment ? { metadata: segmentMetadata(segment, rendered.numFrames, frameCount) } : {}),
        };
      } catch (error) {
        throw jobErrorFromEngine(error);
      }
    },
  };
}

/**
 * What a segment did with its predecessor. Our WAN 2.1 text-to-video checkpoints take no image
 * conditioning, so the previous segment's video is not read here: the overlap is crossfaded at
 * the stitch (DESIGN.md section 5).
 */
function segmentMetadata(
  segment: { previousVideo: { path: string } | null; overlapWithPrevious: number },
  renderedFrames: number,
  keptFrames: number,
) {
  return {
    travel: {
      renderedFrames,
      keptFrames,
      previousVideo: segment.previousVideo?.path ?? null,
      overlapWithPrevious: segment.overlapWithPrevious,
      imageConditioned: false,
    },
  };
}
