/**
 * Params of the protocol task types, in the Headless worker's naming. Lenient objects: the worker
 * and its frontend carry many more keys, which are kept in the stored params. Every key that asks
 * a worker for work (size, frames, steps, images, guidance), in each spelling a pull-worker reads,
 * is bounded as queue-job bounds the same model family (the largest preset's steps and frames, the
 * family's pixel range); protocol-generation.ts maps only these keys onto our fleet's job data and
 * its price. Sizes off the family's grid are accepted and snapped down there, as the Headless
 * worker snaps them itself.
 */
import { z } from 'zod';
import { FPS_MAX, GUIDANCE_MAX, SDXL_MAX_IMAGES, SIZE_LIMITS } from './limits.js';
import type { ModelFamily } from './model-family.js';
import { Prompt, Seed } from './queue-job.js';
import { WORK_LIMITS } from './work-limits.js';

const sizeOf = (family: ModelFamily) =>
  z.number().int().min(SIZE_LIMITS[family].min).max(SIZE_LIMITS[family].max);
const stepsOf = (family: ModelFamily) => z.number().int().min(1).max(WORK_LIMITS[family].steps);
const framesOf = (family: ModelFamily) => z.number().int().min(1).max(WORK_LIMITS[family].frames);
const Guidance = z.number().min(1).max(GUIDANCE_MAX);

/** The work keys both fleets' params may carry; steps and guidance in either spelling. */
const workKeys = (family: ModelFamily) => ({
  steps: stepsOf(family).optional(),
  num_inference_steps: stepsOf(family).optional(),
  guidance_scale: Guidance.optional(),
  guidanceScale: Guidance.optional(),
});

const SdxlSize = sizeOf('sdxl');
const Images = z.number().int().min(1).max(SDXL_MAX_IMAGES);
const OneFrame = z.literal(1, { error: 'must be 1 for a single image' });

export const SingleImageParams = z
  .looseObject({
    prompt: Prompt,
    negative_prompt: Prompt.optional(),
    seed: Seed.optional(),
    width: SdxlSize.optional(),
    height: SdxlSize.optional(),
    ...workKeys('sdxl'),
    numImages: Images.optional(),
    num_images: Images.optional(),
    frames: OneFrame.optional(),
    num_frames: OneFrame.optional(),
    shot_id: z.uuid().optional(),
  })
  .meta({ id: 'SingleImageParams' });
export type SingleImageParams = z.infer<typeof SingleImageParams>;

const WanSize = sizeOf('wan');
const WanFrames = framesOf('wan');
const OneVideo = z.literal(1, { error: 'must be 1: a segment renders one video' });

/** "WxH" as the Headless worker writes it, e.g. "832x480"; each side a valid segment size. */
const ResolutionWh = z
  .string()
  .regex(/^\d{2,4}x\d{2,4}$/, 'must look like 832x480')
  .refine((value) => value.split('x').every((side) => WanSize.safeParse(Number(side)).success), {
    message: `each side must be ${SIZE_LIMITS.wan.min}..${SIZE_LIMITS.wan.max}`,
  });

/**
 * A pull-worker's phase config (Reigh's advanced mode): the worker runs sum(steps_per_phase)
 * steps, [2, 2, 2] when the list is absent, so the sum is bounded like `steps`.
 */
export const PhaseConfig = z
  .looseObject({ steps_per_phase: z.array(stepsOf('wan')).min(1).max(8).optional() })
  .refine((config) => phaseConfigSteps(config) <= WORK_LIMITS.wan.steps, {
    message: `steps_per_phase must add up to at most ${WORK_LIMITS.wan.steps}`,
    path: ['steps_per_phase'],
  });

/** The steps a pull-worker runs for a phase config (source/task_registry.py). */
export function phaseConfigSteps(config: { steps_per_phase?: number[] | undefined }): number {
  return (config.steps_per_phase ?? [2, 2, 2]).reduce((sum, steps) => sum + steps, 0);
}

export const OrchestratorDetails = z
  .looseObject({
    base_prompts_expanded: z.array(Prompt).min(1).max(64),
    negative_prompts_expanded: z.array(Prompt).max(64).optional(),
    segment_frames_expanded: z.array(WanFrames).min(1).max(64),
    frame_overlap_expanded: z.array(z.number().int().nonnegative().max(WORK_LIMITS.wan.frames)).max(64),
    parsed_resolution_wh: ResolutionWh,
    seed_base: Seed.optional(),
    fps_helpers: z.number().int().min(1).max(FPS_MAX).optional(),
    input_image_paths_resolved: z.array(z.string()).max(65).optional(),
    shot_id: z.uuid().optional(),
    run_id: z.string().max(200).optional(),
    // Reigh names the orchestrator with its own text id (`sm_travel_orchestrator_…`), no uuid.
    orchestrator_task_id: z.string().max(200).optional(),
    model_name: z.string().max(200).optional(),
    parent_generation_id: z.string().max(200).optional(),
    debug_mode_enabled: z.boolean().optional(),
    // A pull-worker's segment reads these from orchestrator_details when its own params lack them.
    phase_config: PhaseConfig.optional(),
    ...workKeys('wan'),
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

/**
 * The keys of a segment's `orchestrator_details` a pull-worker falls back on for work (its frame
 * count when the segment names none, steps, guidance, phases): bounded like the segment's own.
 */
const SegmentOrchestratorDetails = z.looseObject({
  segment_frames_expanded: z.array(WanFrames).max(64).optional(),
  phase_config: PhaseConfig.optional(),
  ...workKeys('wan'),
});

/** A segment's per-segment overrides, which a pull-worker reads before anything else. */
const IndividualSegmentParams = z.looseObject({
  num_frames: WanFrames.optional(),
  phase_config: PhaseConfig.optional(),
});

export const TravelSegmentParams = z
  .looseObject({
    orchestrator_run_id: z.string().min(1).max(200),
    orchestrator_task_id: z.uuid(),
    orchestrator_task_id_ref: z.uuid().optional(),
    segment_index: z.number().int().nonnegative().max(63),
    prompt: Prompt,
    negative_prompt: Prompt.optional(),
    frames: WanFrames,
    num_frames: WanFrames.optional(),
    video_length: WanFrames.optional(),
    segment_frames_target: WanFrames.optional(),
    orchestrator_details: SegmentOrchestratorDetails.optional(),
    individual_segment_params: IndividualSegmentParams.optional(),
    phase_config: PhaseConfig.optional(),
    frame_overlap_with_previous: z.number().int().nonnegative().max(WORK_LIMITS.wan.frames),
    seed: Seed,
    width: WanSize,
    height: WanSize,
    ...workKeys('wan'),
    numImages: OneVideo.optional(),
    num_images: OneVideo.optional(),
    fps: z.number().int().min(1).max(FPS_MAX).optional(),
  })
  .meta({ id: 'TravelSegmentParams' });
export type TravelSegmentParams = z.infer<typeof TravelSegmentParams>;

export const TravelStitchParams = z
  .looseObject({
    orchestrator_run_id: z.string().min(1).max(200),
    orchestrator_task_id: z.uuid(),
    orchestrator_task_id_ref: z.uuid().optional(),
    segment_task_ids: z.array(z.uuid()).min(1).max(64),
    frame_overlaps: z.array(z.number().int().nonnegative().max(WORK_LIMITS.wan.frames)).max(63),
    fps: z.number().int().min(1).max(FPS_MAX),
    shot_id: z.uuid().optional(),
  })
  .refine((params) => params.frame_overlaps.length === params.segment_task_ids.length - 1, {
    message: 'frame_overlaps needs one entry between each two segment_task_ids',
    path: ['frame_overlaps'],
  })
  .meta({ id: 'TravelStitchParams' });
export type TravelStitchParams = z.infer<typeof TravelStitchParams>;
