/**
 * A travel_orchestrator's `orchestrator_details` (the Headless worker's naming) as the params of
 * its segments and its stitch. Pure: ids come in, params go out, so the plan is tested alone.
 *
 * Segment i (0-based) renders `segment_frames_expanded[i]` frames from `base_prompts_expanded[i]`;
 * it shares `frame_overlap_expanded[i - 1]` frames with segment i - 1, crossfaded at the stitch,
 * so the travel is sum(frames) - sum(overlaps) frames long.
 */
import { HttpError } from '@gpuq/http';
import type { OrchestratorDetails, TravelSegmentParams, TravelStitchParams } from '@gpuq/job-types';

/** Frames per second of travel videos when the details name none (WAN 2.1 renders 16). */
export const DEFAULT_TRAVEL_FPS = 16;

export interface TravelIds {
  orchestratorTaskId: string;
  segmentTaskIds: readonly string[];
}

export interface TravelPlan {
  runId: string;
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
  const segments = frames.map((segmentFrames, i) => ({
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
    orchestrator_run_id: runId,
    orchestrator_task_id: ids.orchestratorTaskId,
    segment_task_ids: [...ids.segmentTaskIds],
    frame_overlaps: overlaps,
    fps,
    ...(details.shot_id ? { shot_id: details.shot_id } : {}),
  };
  return { runId, segments, stitch };
}
