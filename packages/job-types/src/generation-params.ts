/**
 * What a worker needs to run one job: the request's choices laid over the job type's preset.
 * Resolved once at the API so the job data in Redis is complete and a replay is exact.
 */
import { z } from 'zod';
import { JOB_CATALOG } from './catalog.js';
import { JobType } from './job-type.js';
import { defaultNegativePrompt, Prompt, type QueueJobRequest, requestedImages, Seed } from './queue-job.js';
import { SchedulerName } from './scheduler.js';

export const GenerationParams = z
  .object({
    jobType: JobType,
    prompt: Prompt,
    negativePrompt: Prompt,
    seed: Seed,
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    frames: z.number().int().positive(),
    fps: z.number().int().positive().nullable(),
    steps: z.number().int().positive(),
    scheduler: SchedulerName,
    guidanceScale: z.number().positive(),
    flowShift: z.number().positive().nullable(),
    numImages: z.number().int().positive(),
    enhancePrompt: z.boolean(),
    referenceImageUrl: z.string().nullable(),
  })
  .meta({ id: 'GenerationParams' });
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
