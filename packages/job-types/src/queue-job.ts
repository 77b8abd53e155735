/**
 * `POST /functions/v1/queue-job`: the request body, split by model family so each family's size
 * rules and fields apply, and the pure functions that turn a valid request into generation
 * parameters and a credit cost.
 */
import { z } from 'zod';
import { JOB_CATALOG } from './catalog.js';
import { JobType } from './job-type.js';
import { PROMPT_MAX_CHARS, SDXL_MAX_IMAGES, SEED_MAX, SIZE_LIMITS } from './limits.js';
import { MODEL_FAMILIES, type ModelFamily } from './model-family.js';
import { workCredits } from './pricing.js';

/** Counted in characters (code points), as JSON Schema's `maxLength` counts them, not UTF-16 units. */
export const Prompt = z
  .string()
  .refine((text) => text.length <= PROMPT_MAX_CHARS || [...text].length <= PROMPT_MAX_CHARS, {
    message: `must be at most ${PROMPT_MAX_CHARS} characters`,
  })
  .meta({ maxLength: PROMPT_MAX_CHARS });
export const Seed = z.number().int().min(0).max(SEED_MAX);

function pixelSize(family: ModelFamily) {
  const { min, max, multiple } = SIZE_LIMITS[family];
  return z
    .number()
    .int()
    .min(min)
    .max(max)
    .refine((value) => value % multiple === 0, {
      message: `must be a multiple of ${multiple} for ${family}`,
    });
}

const sharedMetadata = {
  prompt: Prompt.optional(),
  negativePrompt: Prompt.optional(),
  seed: Seed.optional(),
  referenceImageUrl: z.url().max(2048).optional(),
  // Sent by the seed's frontend; accepted but ignored: the routing table decides them.
  credits: z.unknown().optional(),
  queue: z.unknown().optional(),
  bucket: z.unknown().optional(),
};

/** Keys the server accepts for compatibility and then ignores (reported in `debug.ignored`). */
export const IGNORED_METADATA_KEYS = ['credits', 'queue', 'bucket'] as const;

export const SdxlJobMetadata = z.looseObject({
  ...sharedMetadata,
  width: pixelSize('sdxl').optional(),
  height: pixelSize('sdxl').optional(),
  numImages: z.number().int().min(1).max(SDXL_MAX_IMAGES).optional(),
});
export type SdxlJobMetadata = z.infer<typeof SdxlJobMetadata>;

export const WanJobMetadata = z.looseObject({
  ...sharedMetadata,
  width: pixelSize('wan').optional(),
  height: pixelSize('wan').optional(),
  numImages: z.undefined({ error: 'is accepted only by SDXL job types' }).optional(),
});
export type WanJobMetadata = z.infer<typeof WanJobMetadata>;

const jobTypesOf = (family: ModelFamily) =>
  JobType.options.filter((type) => JOB_CATALOG[type].family === family);

const requestTarget = {
  projectId: z.uuid().optional(),
  videoId: z.uuid().optional(),
  imageId: z.uuid().optional(),
};

export const SdxlJobRequest = z.object({
  jobType: z.enum(jobTypesOf('sdxl') as [JobType, ...JobType[]]),
  metadata: SdxlJobMetadata.optional(),
  ...requestTarget,
});
export const WanJobRequest = z.object({
  jobType: z.enum(jobTypesOf('wan') as [JobType, ...JobType[]]),
  metadata: WanJobMetadata.optional(),
  ...requestTarget,
});

export const QueueJobRequest = z
  .discriminatedUnion('jobType', [SdxlJobRequest, WanJobRequest], {
    error: (issue) => {
      const body = issue.input;
      if (typeof body !== 'object' || body === null || Array.isArray(body))
        return 'request body must be a JSON object';
      const jobType = (body as { jobType?: unknown }).jobType;
      return jobType === undefined ? 'is required' : `must be one of: ${JobType.options.join(', ')}`;
    },
  })
  .meta({ id: 'QueueJobRequest', description: 'Body of POST /functions/v1/queue-job.' });
export type QueueJobRequest = z.infer<typeof QueueJobRequest>;

/** Body of `POST /functions/v1/calculate-task-cost`'s answer. */
export const TaskCostResponse = z
  .object({ jobType: JobType, credits: z.number().int().nonnegative() })
  .meta({ id: 'TaskCostResponse' });
export type TaskCostResponse = z.infer<typeof TaskCostResponse>;

export function requestedImages(request: QueueJobRequest): number {
  return JOB_CATALOG[request.jobType].family === 'sdxl' ? (request.metadata?.numImages ?? 1) : 1;
}

/** Credits a request costs: its outputs' work at the type's price (pricing.ts). */
export function creditCost(request: QueueJobRequest): number {
  const { preset } = JOB_CATALOG[request.jobType];
  return workCredits(request.jobType, {
    width: request.metadata?.width ?? preset.width,
    height: request.metadata?.height ?? preset.height,
    frames: preset.frames,
    steps: preset.steps,
    outputs: requestedImages(request),
  });
}

export function ignoredMetadataKeys(request: QueueJobRequest): string[] {
  const metadata = request.metadata ?? {};
  return IGNORED_METADATA_KEYS.filter((key) => metadata[key] !== undefined);
}

export function defaultNegativePrompt(jobType: JobType): string {
  return MODEL_FAMILIES[JOB_CATALOG[jobType].family].defaultNegativePrompt;
}
