/**
 * A travel_orchestrator's `orchestrator_details` (the Headless worker's naming) as the params of
 * its segments and its stitch. Pure: ids come in, params go out, so the plan is tested alone.
 *
 * Segment i (0-based) renders `segment_frames_expanded[i]` frames from `base_prompts_expanded[i]`;
 * it shares `frame_overlap_expanded[i - 1]` frames with segment i - 1, crossfaded at the stitch,
 * so the travel is sum(frames) - sum(overlaps) frames long.
 *
 * Each task carries two readings of the same plan: ours (prompt, frames, seed, width, height,
 * frame_overlap_with_previous; segment_task_ids and frame_overlaps for the stitch) for our WAN
 * fleet, and the keys the Headless worker's handlers read, shaped as its orchestrator handler
 * creates them (source/sm_functions/travel_between_images.py: orchestrator_task_id_ref,
 * orchestrator_run_id, segment_index, segment_frames_target, orchestrator_details, ...), so that
 * a pull-worker runs a segment the server planned exactly as one its own orchestrator planned.
 */
import { HttpError } from '@gpuq/http';
import type { OrchestratorDetails, TravelSegmentParams, TravelStitchParams } from '@gpuq/job-types';

/** Frames per second of travel videos when the details name none (WAN 2.1 renders 16). */
export const DEFAULT_TRAVEL_FPS = 16;

export interface TravelIds {
  orchestratorTaskId: string;
  segmentTaskIds: readonly string[];
  /** The travel's project: the worker's handlers read it from each task's params. */
  projectId?: string;
}

export interface TravelPlan {
  runId: string;
  /** The orchestrator's details as every task of the travel carries them. */
  orchestratorDetails: OrchestratorDetails & { run_id: string; num_new_segments_to_generate: number };
  segments: TravelSegmentParams[];
  stitch: TravelStitchParams;
}

function invalid(field: string, message: string): HttpError {
  const path = `params.orchestrator_details.${field}`;
  return new HttpError(400, 'invalid_request', `${path}: ${message}`, { field: path });
}

export function planTravel(details: OrchestratorDetails, ids: TravelIds): TravelPlan {
  const frames = details.segment_frames_expanded;
  const count = frames.length;
  if (ids.segmentTaskIds.length !== count) throw new TypeError('one segment task id per segment is needed');
  const overlaps = Array.from({ length: count - 1 }, (_, i) => details.frame_overlap_expanded[i] ?? 0);
  overlaps.forEach((overlap, i) => {
    // Each segment must keep at least one frame of its own between its two overlaps.
    if (overlap >= frames[i]! || overlap >= frames[i + 1]!) {
      throw invalid(
        `frame_overlap_expanded.${i}`,
        `${overlap} frames do not fit segments of ${frames[i]} and ${frames[i + 1]}`,
      );
    }
  });
  const [width, height] = details.parsed_resolution_wh.split('x').map(Number) as [number, number];
  const runId = details.run_id ?? ids.orchestratorTaskId;
  const fps = typeof details.fps_helpers === 'number' ? details.fps_helpers : DEFAULT_TRAVEL_FPS;
  const seedBase = details.seed_base ?? 0;
  const negatives = details.negative_prompts_expanded ?? [];
  const images = details.input_image_paths_resolved ?? [];
  // What the worker's handlers read from `orchestrator_details` (the stitch indexes by
  // num_new_segments_to_generate; the seed's form may lack it and the run id).
  const orchestratorDetails = {
    ...details,
    run_id: runId,
    num_new_segments_to_generate: count,
    orchestrator_task_id: details.orchestrator_task_id ?? ids.orchestratorTaskId,
  };
  const workerKeys = {
    orchestrator_task_id_ref: ids.orchestratorTaskId,
    orchestrator_run_id: runId,
    ...(ids.projectId ? { project_id: ids.projectId } : {}),
    parsed_resolution_wh: details.parsed_resolution_wh,
    debug_mode_enabled: details.debug_mode_enabled === true,
    use_svi: false,
    orchestrator_details: orchestratorDetails,
    ...(details.parent_generation_id ? { parent_generation_id: details.parent_generation_id } : {}),
  };
  const segments = frames.map((segmentFrames, i) => ({
    ...workerKeys,
    ...(details.model_name ? { model_name: details.model_name } : {}),
    is_first_segment: i === 0,
    is_last_segment: i === count - 1,
    base_prompt: details.base_prompts_expanded[i]!,
    segment_frames_target: segmentFrames,
    frame_overlap_from_previous: i === 0 ? 0 : overlaps[i - 1]!,
    frame_overlap_with_next: overlaps[i] ?? 0,
    seed_to_use: (seedBase + i) % 2 ** 32,
    ...(details.num_inference_steps ? { num_inference_steps: details.num_inference_steps } : {}),
    ...(details.guidance_scale ? { guidance_scale: details.guidance_scale } : {}),
    orchestrator_run_id: runId,
    orchestrator_task_id: ids.orchestratorTaskId,
    segment_index: i,
    prompt: details.base_prompts_expanded[i]!,
    ...((negatives[i] ?? negatives[0]) ? { negative_prompt: (negatives[i] ?? negatives[0])! } : {}),
    frames: segmentFrames,
    frame_overlap_with_previous: i === 0 ? 0 : overlaps[i - 1]!,
    // Seeds stay in 0..2^32-1 however large the base.
    seed: (seedBase + i) % 2 ** 32,
    width,
    height,
    fps,
    ...(images[i] ? { start_image_path: images[i] } : {}),
    ...(images[i + 1] ? { end_image_path: images[i + 1] } : {}),
    ...(details.shot_id ? { shot_id_ref: details.shot_id } : {}),
  }));
  const stitch: TravelStitchParams = {
    ...workerKeys,
    num_total_segments_generated: count,
    frame_overlap_settings_expanded: overlaps,
    fps_final_video: fps,
    orchestrator_run_id: runId,
    orchestrator_task_id: ids.orchestratorTaskId,
    segment_task_ids: [...ids.segmentTaskIds],
    frame_overlaps: overlaps,
    fps,
    ...(details.shot_id ? { shot_id: details.shot_id } : {}),
  };
  return { runId, orchestratorDetails, segments, stitch };
}
