/**
 * What a worker needs to run one job: the request's choices laid over the job type's preset.
 * Resolved once at the API so the job data in Redis is complete and a replay is exact.
 */
import { z } from 'zod';
import { GenerationPreset, JOB_CATALOG } from './catalog.js';
import { JobType } from './job-type.js';
import { workCredits } from './pricing.js';
import { defaultNegativePrompt, Prompt, type QueueJobRequest, requestedImages, Seed } from './queue-job.js';

/** The preset's fields (size, frames, steps, scheduler, guidance) plus what the request chose. */
export const GenerationParams = GenerationPreset.extend({
  jobType: JobType,
  prompt: Prompt,
  negativePrompt: Prompt,
  seed: Seed,
  numImages: z.number().int().positive(),
  enhancePrompt: z.boolean(),
  referenceImageUrl: z.string().nullable(),
}).meta({ id: 'GenerationParams' });
export type GenerationParams = z.infer<typeof GenerationParams>;

/** `randomSeed` is asked only when the request names no seed. */
export function resolveGenerationParams(
  request: QueueJobRequest,
  randomSeed: () => number,
): GenerationParams {
  const spec = JOB_CATALOG[request.jobType];
  const metadata = request.metadata ?? {};
  return {
    jobType: request.jobType,
    prompt: metadata.prompt ?? '',
    negativePrompt: metadata.negativePrompt ?? defaultNegativePrompt(request.jobType),
    seed: metadata.seed ?? randomSeed(),
    width: metadata.width ?? spec.preset.width,
    height: metadata.height ?? spec.preset.height,
    frames: spec.preset.frames,
    fps: spec.preset.fps,
    steps: spec.preset.steps,
    scheduler: spec.preset.scheduler,
    guidanceScale: spec.preset.guidanceScale,
    flowShift: spec.preset.flowShift,
    numImages: requestedImages(request),
    enhancePrompt: spec.enhancePrompt,
    referenceImageUrl: metadata.referenceImageUrl ?? null,
  };
}

/** Credits the work of these parameters costs (pricing.ts). */
export function generationCredits(generation: GenerationParams): number {
  return workCredits(generation.jobType, {
    width: generation.width,
    height: generation.height,
    frames: generation.frames,
    steps: generation.steps,
    outputs: generation.numImages,
  });
}
