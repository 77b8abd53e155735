/**
 * The WAN fleet's model: the 7B prompt enhancer for the enhanced types (prompt-enhancement.ts),
 * then WAN 2.1 on the native engine (the checkpoint at WAN_MODEL_DIR, or the generated tiny one):
 * text-to-video / text-to-image, or image-to-video on an I2V checkpoint (conditioning-image.ts);
 * frames encoded to MP4 with a poster, or one PNG. Travel segments render their own frame count;
 * travel stitches join stored segments (travel-stitch-job.ts) without the engine.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createTinyWanCheckpoint,
  describeDevice,
  type LoadOptions,
  memoryPlanSummary,
  WanEngine,
  type WanSchedulerName,
} from '@gpuq/engine';
import type { SchedulerName } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import { type GenerationModel, jobErrorFromEngine } from '@gpuq/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import { conditioningFor } from './conditioning-image.js';
import type { WanWorkerSettings } from './env.js';
import { framesToFiles } from './frames-to-files.js';
import { REAL_WAN_PROFILE, TINY_WAN_PROFILE, type WanProfile } from './model-profile.js';
import { enhancePrompt, loadEnhancer } from './prompt-enhancement.js';
import { keepFirstFrames, renderableFrameCount } from './segment-frames.js';
import { runTravelStitchJob } from './travel-stitch-job.js';

const SCHEDULERS: Partial<Record<SchedulerName, WanSchedulerName>> = {
  unipc_flow: 'unipc',
  flow_euler: 'flow_euler',
};

async function loadWan(
  settings: WanWorkerSettings,
  logger: Logger,
): Promise<{ engine: WanEngine; profile: WanProfile; dir: string }> {
  if (settings.WAN_MODEL_DIR) {
    return {
      engine: await WanEngine.load(settings.WAN_MODEL_DIR, wanLoadOptions(settings)),
      profile: REAL_WAN_PROFILE,
      dir: settings.WAN_MODEL_DIR,
    };
  }
  const imageToVideo = settings.WAN_TINY_CHECKPOINT === 'image-to-video';
  const dir = join(settings.GPUQ_DATA_DIR, 'models', imageToVideo ? 'wan-tiny-i2v' : 'wan-tiny');
  if (!existsSync(join(dir, 'model_index.json'))) {
    await mkdir(join(settings.GPUQ_DATA_DIR, 'models'), { recursive: true });
    await createTinyWanCheckpoint(dir, { imageToVideo });
  }
  logger.warn({ dir }, 'WAN_MODEL_DIR not set: running the generated tiny random-weight WAN checkpoint');
  return {
    engine: await WanEngine.load(dir, wanLoadOptions(settings)),
    profile: TINY_WAN_PROFILE,
    dir,
  };
}

function wanLoadOptions(settings: WanWorkerSettings): LoadOptions {
  return {
    device: settings.GPUQ_DEVICE,
    weightDtype: settings.WAN_WEIGHT_DTYPE,
    ...(settings.GPUQ_MAX_MEMORY ? { maxMemoryBytes: settings.GPUQ_MAX_MEMORY } : {}),
  };
}

export async function loadWanModel(settings: WanWorkerSettings, logger: Logger): Promise<GenerationModel> {
  const enhancer = await loadEnhancer(settings, logger);
  const { engine, profile, dir } = await loadWan(settings, logger);
  logger.info({ memoryPlan: memoryPlanSummary(engine.memoryPlan) }, 'WAN memory plan');
  const kind = engine.supportsImageConditioning ? 'image-to-video' : 'text-to-video';
  return {
    description: `WAN 2.1 ${kind} ${dir} (${profile.name}, ${describeDevice(settings.GPUQ_DEVICE)})`,
    async run(job, context) {
      const { signal, onProgress } = context;
      if (job.travel?.kind === 'stitch') return runTravelStitchJob(job.travel, context);
      const params = job.generation;
      if (!params) throw new UnrecoverableError(`${job.taskType} carries no generation parameters`);
      const scheduler = SCHEDULERS[params.scheduler];
      if (!scheduler) throw new UnrecoverableError(`scheduler ${params.scheduler} is not a WAN scheduler`);
      const enhancedPrompt = params.enhancePrompt
        ? await enhancePrompt(enhancer, params, context)
        : undefined;
      const conditioning = await conditioningFor({
        job,
        storage: context.storage,
        signal,
        supportsImage: engine.supportsImageConditioning,
      });
      // A travel segment keeps its exact length on every profile; presets follow the profile.
      const segment = job.travel?.kind === 'segment' ? job.travel : null;
      const frameCount = segment ? params.frames : profile.frames(params.frames);
      try {
        const rendered = await engine.generate(
          {
            prompt: enhancedPrompt ?? params.prompt,
            negativePrompt: params.negativePrompt,
            ...profile.size(params.width, params.height),
            numFrames: renderableFrameCount(frameCount),
            steps: params.steps,
            guidanceScale: params.guidanceScale,
            scheduler,
            ...(params.flowShift ? { flowShift: params.flowShift } : {}),
            seed: params.seed,
            ...(conditioning.image ? { image: conditioning.image } : {}),
          },
          { signal, onProgress: ({ step, total }) => onProgress(step / total) },
        );
        const frames = keepFirstFrames(rendered, frameCount);
        const files = await framesToFiles(frames, params.fps, signal);
        const travel = segment ? segmentMetadata(segment, rendered.numFrames, frameCount) : null;
        const peak =
          rendered.peakDeviceBytes === null ? {} : { peakDeviceMemoryBytes: rendered.peakDeviceBytes };
        return {
          files,
          ...(enhancedPrompt ? { enhancedPrompt } : {}),
          ...(travel || conditioning.startedFrom
            ? { metadata: { startedFrom: conditioning.startedFrom, ...(travel ? { travel } : {}), ...peak } }
            : { metadata: peak }),
        };
      } catch (error) {
        throw jobErrorFromEngine(error);
      }
    },
  };
}

/** How a segment's render was cut to its length, and which video it followed. */
function segmentMetadata(
  segment: { previousVideo: { path: string } | null; overlapWithPrevious: number },
  renderedFrames: number,
  keptFrames: number,
) {
  return {
    renderedFrames,
    keptFrames,
    previousVideo: segment.previousVideo?.path ?? null,
    overlapWithPrevious: segment.overlapWithPrevious,
  };
}
