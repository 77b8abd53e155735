/**
 * The routing table as data: for every job type, its queue, model, preset, storage bucket, credit
 * cost and expected duration. The API, the workers, the docs and the benchmarks all read this one
 * table; nothing routes with `if` chains.
 */
import { z } from 'zod';
import type { JobType } from './job-type.js';
import { ModelFamily, QueueName } from './model-family.js';
import { SchedulerName } from './scheduler.js';

export const OutputKind = z.enum(['image', 'video']);
export type OutputKind = z.infer<typeof OutputKind>;

export const GenerationPreset = z.object({
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  /** 1 for still images; WAN video presets fix the frame count (4k + 1 frames). */
  frames: z.number().int().positive(),
  fps: z.number().int().positive().nullable(),
  steps: z.number().int().positive(),
  scheduler: SchedulerName,
  guidanceScale: z.number().positive(),
  /** Flow-matching timestep shift (WAN only). */
  flowShift: z.number().positive().nullable(),
});
export type GenerationPreset = z.infer<typeof GenerationPreset>;

export const JobSpec = z.object({
  family: ModelFamily,
  queue: QueueName,
  modelVariant: z.string(),
  output: OutputKind,
  preset: GenerationPreset,
  /** Run the 7B LLM prompt enhancer before generating. */
  enhancePrompt: z.boolean(),
  /** Storage bucket of the outputs (the seed named buckets after job types). */
  bucket: z.string(),
  /**
   * Credits per output of the preset's work (SDXL charges per image; WAN jobs make one output);
   * an output asking for more pixels, frames or steps costs proportionally more (pricing.ts).
   */
  credits: z.number().int().nonnegative(),
  /** Seconds one output takes on the seed's GPU: the ETA fallback and the autoscaler's unit. */
  expectedSeconds: z.number().positive(),
});
export type JobSpec = z.infer<typeof JobSpec>;

const SDXL_VARIANT = 'sdxl_base_1_0';
const WAN_VARIANT = 'wan_2_1_t2v_1_3b';

const sdxl = (steps: number, scheduler: SchedulerName) =>
  ({
    width: 1024,
    height: 1024,
    frames: 1,
    fps: null,
    steps,
    scheduler,
    guidanceScale: 7,
    flowShift: null,
  }) as const;
const wan = (steps: number, frames: number) =>
  ({
    width: 832,
    height: 480,
    frames,
    fps: frames > 1 ? 16 : null,
    steps,
    scheduler: 'unipc_flow',
    guidanceScale: 5,
    flowShift: 3,
  }) as const;

const sdxlJob = (preset: GenerationPreset, credits: number, expectedSeconds: number, bucket: JobType) =>
  ({
    family: 'sdxl',
    queue: 'sdxl_queue',
    modelVariant: SDXL_VARIANT,
    output: 'image',
    preset,
    enhancePrompt: false,
    bucket,
    credits,
    expectedSeconds,
  }) as const;
const wanJob = (
  preset: GenerationPreset,
  enhancePrompt: boolean,
  credits: number,
  expectedSeconds: number,
  bucket: JobType,
) =>
  ({
    family: 'wan',
    queue: 'wan_queue',
    modelVariant: WAN_VARIANT,
    output: preset.frames > 1 ? 'video' : 'image',
    preset,
    enhancePrompt,
    bucket,
    credits,
    expectedSeconds,
  }) as const;

export const JOB_CATALOG = {
  sdxl_image_fast: sdxlJob(sdxl(15, 'euler_a'), 1, 5, 'sdxl_image_fast'),
  sdxl_image_high: sdxlJob(sdxl(30, 'dpmpp_2m_karras'), 2, 12, 'sdxl_image_high'),
  image_fast: wanJob(wan(25, 1), false, 2, 73, 'image_fast'),
  image_high: wanJob(wan(50, 1), false, 3, 90, 'image_high'),
  video_fast: wanJob(wan(25, 81), false, 5, 180, 'video_fast'),
  video_high: wanJob(wan(50, 81), false, 8, 280, 'video_high'),
  image7b_fast_enhanced: wanJob(wan(25, 1), true, 3, 87, 'image7b_fast_enhanced'),
  image7b_high_enhanced: wanJob(wan(50, 1), true, 4, 104, 'image7b_high_enhanced'),
  video7b_fast_enhanced: wanJob(wan(25, 81), true, 6, 194, 'video7b_fast_enhanced'),
  video7b_high_enhanced: wanJob(wan(50, 81), true, 9, 294, 'video7b_high_enhanced'),
} as const satisfies Record<JobType, JobSpec>;

export function jobSpec(jobType: JobType): JobSpec {
  return JOB_CATALOG[jobType];
}

/** The 7B LLM that enhances prompts for the `*7b*_enhanced` types. */
export const ENHANCER_VARIANT = 'qwen2_5_7b_instruct';
