/**
 * The SDXL fleet's model: the native engine's SDXL pipeline, loaded once. Each job makes
 * `numImages` PNGs with consecutive seeds, reporting progress per denoising step across them.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createTinyCheckpoint,
  describeDevice,
  type SchedulerName as EngineScheduler,
  memoryPlanSummary,
  SdxlEngine,
} from '@gpuq/engine';
import type { SchedulerName } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import { type GenerationModel, jobErrorFromEngine } from '@gpuq/worker-runtime';
import { UnrecoverableError } from 'bullmq';
import type { SdxlWorkerSettings } from './env.js';
import { type ModelProfile, REAL_PROFILE, TINY_PROFILE } from './model-profile.js';

const SCHEDULERS: Partial<Record<SchedulerName, EngineScheduler>> = {
  euler: 'euler',
  euler_a: 'euler_ancestral',
  dpmpp_2m_karras: 'dpmpp_2m_karras',
};

export async function loadSdxlModel(settings: SdxlWorkerSettings, logger: Logger): Promise<GenerationModel> {
  let dir = settings.SDXL_MODEL_DIR;
  let profile: ModelProfile = REAL_PROFILE;
  if (!dir) {
    dir = join(settings.GPUQ_DATA_DIR, 'models', 'sdxl-tiny');
    if (!existsSync(join(dir, 'model_index.json'))) {
      await mkdir(join(settings.GPUQ_DATA_DIR, 'models'), { recursive: true });
      await createTinyCheckpoint(dir);
    }
    profile = TINY_PROFILE;
    logger.warn({ dir }, 'SDXL_MODEL_DIR not set: running the generated tiny random-weight checkpoint');
  }
  const device = settings.GPUQ_DEVICE;
  const engine = await SdxlEngine.load(dir, {
    device,
    weightDtype: settings.SDXL_WEIGHT_DTYPE,
    ...(settings.GPUQ_MAX_MEMORY ? { maxMemoryBytes: settings.GPUQ_MAX_MEMORY } : {}),
    ...(settings.SDXL_CONFIG_DIR ? { configDir: settings.SDXL_CONFIG_DIR } : {}),
  });
  logger.info({ memoryPlan: memoryPlanSummary(engine.memoryPlan) }, 'SDXL memory plan');
  return {
    description: `SDXL ${dir} (${profile.name}, ${describeDevice(device)})`,
    async run(job, { signal, onProgress }) {
      const params = job.generation;
      if (!params) throw new UnrecoverableError(`${job.taskType} carries no generation parameters`);
      const scheduler = SCHEDULERS[params.scheduler];
      if (!scheduler) throw new UnrecoverableError(`scheduler ${params.scheduler} is not an SDXL scheduler`);
      const size = profile.size(params.width, params.height);
      const files = [];
      let peakDeviceMemoryBytes: number | null = null;
      for (let index = 0; index < params.numImages; index += 1) {
        try {
          const result = await engine.generate(
            {
              prompt: params.prompt,
              negativePrompt: params.negativePrompt,
              ...size,
              steps: params.steps,
              guidanceScale: params.guidanceScale,
              scheduler,
              seed: (params.seed + index) % 2 ** 32,
            },
            {
              signal,
              onProgress: ({ step, total }) => onProgress((index + step / total) / params.numImages),
            },
          );
          if (result.peakDeviceBytes !== null) {
            peakDeviceMemoryBytes = Math.max(peakDeviceMemoryBytes ?? 0, result.peakDeviceBytes);
          }
          files.push({
            kind: 'image' as const,
            filename: `image-${index}.png`,
            contentType: 'image/png',
            bytes: result.png,
          });
        } catch (error) {
          throw jobErrorFromEngine(error);
        }
      }
      return { files, ...(peakDeviceMemoryBytes === null ? {} : { metadata: { peakDeviceMemoryBytes } }) };
    },
  };
}
