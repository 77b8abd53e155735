/**
 * How a protocol task becomes work for our fleets, the one way it can: its params checked
 * (task-params.ts, queue-job's bounds), only the bounded keys mapped onto a catalog preset, and
 * the price read off that work with queue-job's price list (pricing.ts). Unknown keys stay in the
 * stored params for pull-workers but reach neither the job data nor the price.
 */
import { z } from 'zod';
import { JOB_CATALOG } from './catalog.js';
import { type GenerationParams, generationCredits } from './generation-params.js';
import type { ProtocolTaskType } from './job-type.js';
import { SIZE_LIMITS } from './limits.js';
import type { ModelFamily } from './model-family.js';
import { defaultNegativePrompt } from './queue-job.js';
import { PROTOCOL_TASK_CATALOG } from './task-catalog.js';
import {
  phaseConfigSteps,
  SingleImageParams,
  TravelOrchestratorParams,
  TravelSegmentParams,
  TravelStitchParams,
} from './task-params.js';

/** The params schema of each protocol task type. */
export const PROTOCOL_PARAMS = {
  single_image: SingleImageParams,
  travel_orchestrator: TravelOrchestratorParams,
  travel_segment: TravelSegmentParams,
  travel_stitch: TravelStitchParams,
} as const satisfies Record<ProtocolTaskType, z.ZodType>;

/** The same schemas without their unknown keys: what job data carries. */
const JOB_DATA_PARAMS: Record<ProtocolTaskType, z.ZodType<Record<string, unknown>>> = {
  single_image: z.object(SingleImageParams.shape),
  travel_orchestrator: z.object(TravelOrchestratorParams.shape),
  // The worker's copy of the orchestrator's details is for pull-workers: our fleet has the plan.
  travel_segment: z.object(TravelSegmentParams.shape).omit({ orchestrator_details: true }),
  travel_stitch: z.object(TravelStitchParams.shape),
};

/** The queue-job preset each model-running protocol type is laid over. */
export const PROTOCOL_PRESETS = {
  single_image: 'sdxl_image_fast',
  travel_segment: 'video_fast',
} as const;

const snap = (value: number, family: ModelFamily) => value - (value % SIZE_LIMITS[family].multiple);
const largest = (...values: Array<number | undefined>): number | undefined => {
  const given = values.filter((value): value is number => value !== undefined);
  return given.length > 0 ? Math.max(...given) : undefined;
};

function singleImageGeneration(params: SingleImageParams, randomSeed: () => number): GenerationParams {
  const jobType = PROTOCOL_PRESETS.single_image;
  const { preset } = JOB_CATALOG[jobType];
  return {
    ...preset,
    jobType,
    prompt: params.prompt,
    negativePrompt: params.negative_prompt ?? defaultNegativePrompt(jobType),
    seed: params.seed ?? randomSeed(),
    width: snap(params.width ?? preset.width, 'sdxl'),
    height: snap(params.height ?? preset.height, 'sdxl'),
    // A pull-worker may read either spelling: the larger is what may run, and what is paid.
    steps: largest(params.steps, params.num_inference_steps) ?? preset.steps,
    guidanceScale: params.guidance_scale ?? params.guidanceScale ?? preset.guidanceScale,
    numImages: largest(params.numImages, params.num_images) ?? 1,
    enhancePrompt: false,
    referenceImageUrl: null,
  };
}

/** The steps each phase config a pull-worker may read would run (it takes the first present). */
function phaseSteps(params: TravelSegmentParams): number[] {
  return [
    params.individual_segment_params?.phase_config,
    params.phase_config,
    params.orchestrator_details?.phase_config,
  ]
    .filter((config) => config !== undefined)
    .map(phaseConfigSteps);
}

/**
 * The segment's own frame count (not the preset's): the stitch's length is the sum of the
 * segments' minus the overlaps.
 */
function travelSegmentGeneration(params: TravelSegmentParams): GenerationParams {
  const jobType = PROTOCOL_PRESETS.travel_segment;
  const { preset } = JOB_CATALOG[jobType];
  return {
    ...preset,
    jobType,
    prompt: params.prompt,
    negativePrompt: params.negative_prompt ?? defaultNegativePrompt(jobType),
    seed: params.seed,
    width: snap(params.width, 'wan'),
    height: snap(params.height, 'wan'),
    frames: params.frames,
    fps: params.fps ?? preset.fps,
    steps:
      largest(
        params.steps,
        params.num_inference_steps,
        params.orchestrator_details?.num_inference_steps,
        ...phaseSteps(params),
      ) ?? preset.steps,
    guidanceScale:
      params.guidance_scale ??
      params.guidanceScale ??
      params.orchestrator_details?.guidance_scale ??
      preset.guidanceScale,
    numImages: 1,
    enhancePrompt: false,
    referenceImageUrl: null,
  };
}

export interface ProtocolJob {
  /** Null for the types that run no model (the orchestrator, the stitch). */
  generation: GenerationParams | null;
  /** The checked params without unknown keys. */
  params: Record<string, unknown>;
  credits: number;
}

export type ProtocolJobResult = { success: true; data: ProtocolJob } | { success: false; error: z.ZodError };

/**
 * A protocol task's params as our fleet's work and its price, or the first reason they cannot be.
 * `randomSeed` is asked only for an image that names no seed.
 */
export function protocolJob(
  taskType: ProtocolTaskType,
  params: unknown,
  randomSeed: () => number = () => 0,
): ProtocolJobResult {
  const parsed = PROTOCOL_PARAMS[taskType].safeParse(params);
  if (!parsed.success) return { success: false, error: parsed.error };
  const jobParams = JOB_DATA_PARAMS[taskType].parse(parsed.data);
  switch (taskType) {
    case 'single_image': {
      const generation = singleImageGeneration(parsed.data as SingleImageParams, randomSeed);
      return {
        success: true,
        data: { generation, params: jobParams, credits: generationCredits(generation) },
      };
    }
    case 'travel_segment': {
      const segment = parsed.data as TravelSegmentParams;
      const generation = travelSegmentGeneration(segment);
      // Priced at the most frames any spelling asks for, as a pull-worker may render that many.
      const frames = largest(
        segment.frames,
        segment.num_frames,
        segment.video_length,
        segment.segment_frames_target,
        segment.individual_segment_params?.num_frames,
        // The worker's last fallback: the orchestrator's frames at this segment's index.
        segment.orchestrator_details?.segment_frames_expanded?.[segment.segment_index],
      )!;
      const credits = generationCredits({ ...generation, frames });
      return { success: true, data: { generation, params: jobParams, credits } };
    }
    default:
      // The orchestrator is paid by its segments; the stitch runs no model.
      return {
        success: true,
        data: { generation: null, params: jobParams, credits: PROTOCOL_TASK_CATALOG[taskType].credits },
      };
  }
}
