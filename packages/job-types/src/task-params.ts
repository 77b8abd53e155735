/**
 * Params of the protocol task types, in the Headless worker's naming. Lenient objects: the worker
 * and its frontend carry many more keys, which are kept.
 */
import { z } from 'zod';
import { Prompt, Seed } from './queue-job.js';

const Size = z.number().int().min(64).max(2048);

export const SingleImageParams = z
  .looseObject({
    prompt: Prompt,
    negative_prompt: Prompt.optional(),
    seed: Seed.optional(),
    width: Size.optional(),
    height: Size.optional(),
    shot_id: z.uuid().optional(),
  })
  .meta({ id: 'SingleImageParams' });
export type SingleImageParams = z.infer<typeof SingleImageParams>;

/** "WxH" as the Headless worker writes it, e.g. "832x480"; each side a valid segment size. */
const ResolutionWh = z
  .string()
  .regex(/^\d{2,4}x\d{2,4}$/, 'must look like 832x480')
  .refine((value) => value.split('x').every((side) => Size.safeParse(Number(side)).success), {
    message: `each side must be ${Size.minValue}..${Size.maxValue}`,
  });

export const OrchestratorDetails = z
  .looseObject({
    base_prompts_expanded: z.array(Prompt).min(1).max(64),
    negative_prompts_expanded: z.array(Prompt).max(64).optional(),
    segment_frames_expanded: z.array(z.number().int().positive().max(1024)).min(1).max(64),
    frame_overlap_expanded: z.array(z.number().int().nonnegative().max(512)).max(64),
    parsed_resolution_wh: ResolutionWh,
    seed_base: Seed.optional(),
    input_image_paths_resolved: z.array(z.string()).max(65).optional(),
    shot_id: z.uuid().optional(),
    run_id: z.string().max(200).optional(),
  })
  .refine((details) => details.segment_frames_expanded.length === details.base_prompts_expanded.length, {
    message: 'segment_frames_expanded needs one entry per prompt in base_prompts_expanded',
    path: ['segment_frames_expanded'],
  });
export type OrchestratorDetails = z.infer<typeof OrchestratorDetails>;

export const TravelOrchestratorParams = z
  .looseObject({ orchestrator_details: OrchestratorDetails })
  .meta({ id: 'TravelOrchestratorParams' });
export type TravelOrchestratorParams = z.infer<typeof TravelOrchestratorParams>;

export const TravelSegmentParams = z
  .looseObject({
    orchestrator_run_id: z.string().min(1).max(200),
    orchestrator_task_id: z.uuid(),
    segment_index: z.number().int().nonnegative(),
    prompt: Prompt,
    negative_prompt: Prompt.optional(),
    frames: z.number().int().positive(),
    frame_overlap_with_previous: z.number().int().nonnegative(),
    seed: Seed,
    width: Size,
    height: Size,
    fps: z.number().int().positive().optional(),
  })
  .meta({ id: 'TravelSegmentParams' });
export type TravelSegmentParams = z.infer<typeof TravelSegmentParams>;

export const TravelStitchParams = z
  .looseObject({
    orchestrator_run_id: z.string().min(1).max(200),
    orchestrator_task_id: z.uuid(),
    segment_task_ids: z.array(z.uuid()).min(1),
    frame_overlaps: z.array(z.number().int().nonnegative()),
    fps: z.number().int().positive(),
    shot_id: z.uuid().optional(),
  })
  .meta({ id: 'TravelStitchParams' });
export type TravelStitchParams = z.infer<typeof TravelStitchParams>;
