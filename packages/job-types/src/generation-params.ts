/**
 * What a worker needs to run one job: the request's choices laid over the job type's preset.
 * Resolved once at the API so the job data in Redis is complete and a replay is exact.
 */
import { z } from 'zod';
import { GenerationPreset, JOB_CATALOG } from './catalog.js';
import { JobType } from './job-type.js';
import { defaultNegativePrompt, Prompt, QueueJobRequest, requestedImages, Seed } from './queue-job.js';
import { TravelSegmentParams } from './task-params.js';

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

/**
 * A task-protocol `single_image` as SDXL work: its params laid over the fast SDXL preset.
 * Returns null when the params would not pass queue-job's own validation (the task then stays for
 * a pull-worker, which applies its own rules).
 */
export function singleImageGenerationParams(
  params: Record<string, unknown>,
  randomSeed: () => number,
): GenerationParams | null {
  const request = QueueJobRequest.safeParse({
    jobType: 'sdxl_image_fast',
    metadata: {
      prompt: params.prompt,
      negativePrompt: params.negative_prompt,
      seed: params.seed,
      width: params.width,
      height: params.height,
    },
  });
  return request.success ? resolveGenerationParams(request.data, randomSeed) : null;
}

/** The WAN preset travel segments render with (steps, scheduler, guidance, shift). */
export const TRAVEL_SEGMENT_PRESET: JobType = 'video_fast';

/**
 * A `travel_segment` as WAN work: the segment's prompt, seed, size, frame count and rate over the
 * video_fast preset. The frame count is the segment's own (not the preset's): the stitch's length
 * is the sum of the segments' minus the overlaps. Returns null for params that are not a segment's.
 */
export function travelSegmentGenerationParams(params: Record<string, unknown>): GenerationParams | null {
  const parsed = TravelSegmentParams.safeParse(params);
  if (!parsed.success) return null;
  const segment = parsed.data;
  const preset = JOB_CATALOG[TRAVEL_SEGMENT_PRESET].preset;
  return {
    ...preset,
    jobType: TRAVEL_SEGMENT_PRESET,
    prompt: segment.prompt,
    negativePrompt: segment.negative_prompt ?? defaultNegativePrompt(TRAVEL_SEGMENT_PRESET),
    seed: segment.seed,
    width: segment.width,
    height: segment.height,
    frames: segment.frames,
    fps: segment.fps ?? preset.fps,
    numImages: 1,
    enhancePrompt: false,
    referenceImageUrl: null,
  };
}
