import { HttpError } from '@gpuq/http';
import { OrchestratorDetails } from '@gpuq/job-types';
import { describe, expect, it } from 'vitest';
import { planTravel } from './plan-travel.js';

const ids = {
  orchestratorTaskId: '6f1c2f5e-8d3b-4c3a-9a53-2f8b1d7e4c10',
  segmentTaskIds: ['s0', 's1', 's2'],
};
const details = (overrides: Record<string, unknown> = {}) =>
  OrchestratorDetails.parse({
    base_prompts_expanded: ['dawn', 'noon', 'dusk'],
    negative_prompts_expanded: ['blurry'],
    segment_frames_expanded: [17, 21, 17],
    frame_overlap_expanded: [4, 6],
    parsed_resolution_wh: '832x480',
    seed_base: 11,
    input_image_paths_resolved: ['a.png', 'b.png', 'c.png', 'd.png'],
    shot_id: '0b7e9d2c-5a41-4e36-9a0f-1c2d3e4f5a6b',
    ...overrides,
  });

describe('planTravel', () => {
  it("turns the Headless worker's orchestrator_details into segment and stitch params", () => {
    const plan = planTravel(details(), ids);
    expect(plan.runId).toBe(ids.orchestratorTaskId);
    expect(plan.segments.map((s) => [s.prompt, s.frames, s.frame_overlap_with_previous, s.seed])).toEqual([
      ['dawn', 17, 0, 11],
      ['noon', 21, 4, 12],
      ['dusk', 17, 6, 13],
    ]);
    expect(plan.segments[1]).toMatchObject({
      width: 832,
      height: 480,
      negative_prompt: 'blurry',
      start_image_path: 'b.png',
      end_image_path: 'c.png',
      segment_index: 1,
    });
    // Segments carry the shot under another name: only the stitch yields the shot's generation.
    expect(plan.segments[0]).not.toHaveProperty('shot_id');
    expect(plan.stitch).toMatchObject({
      orchestrator_run_id: ids.orchestratorTaskId,
      orchestrator_task_id: ids.orchestratorTaskId,
      segment_task_ids: ['s0', 's1', 's2'],
      frame_overlaps: [4, 6],
      fps: 16,
      shot_id: '0b7e9d2c-5a41-4e36-9a0f-1c2d3e4f5a6b',
    });
  });

  it("gives each segment and the stitch the keys the Headless worker's handlers read", () => {
    const plan = planTravel(details(), { ...ids, projectId: 'p1' });
    // source/task_registry.py reads these three and orchestrator_details (or fails the segment).
    expect(plan.segments[2]).toMatchObject({
      orchestrator_task_id_ref: ids.orchestratorTaskId,
      orchestrator_run_id: ids.orchestratorTaskId,
      segment_index: 2,
      project_id: 'p1',
      is_first_segment: false,
      is_last_segment: true,
      segment_frames_target: 17,
      frame_overlap_from_previous: 6,
      frame_overlap_with_next: 0,
      base_prompt: 'dusk',
      parsed_resolution_wh: '832x480',
      orchestrator_details: { num_new_segments_to_generate: 3, run_id: ids.orchestratorTaskId },
    });
    // _handle_travel_stitch_task requires orchestrator_task_id_ref, orchestrator_run_id and
    // orchestrator_details, and reads num_new_segments_to_generate and parsed_resolution_wh there.
    expect(plan.stitch).toMatchObject({
      orchestrator_task_id_ref: ids.orchestratorTaskId,
      orchestrator_run_id: ids.orchestratorTaskId,
      project_id: 'p1',
      frame_overlap_settings_expanded: [4, 6],
      orchestrator_details: { num_new_segments_to_generate: 3, parsed_resolution_wh: '832x480' },
    });
  });

  it('keeps a run id that was given and treats missing overlaps as 0', () => {
    const plan = planTravel(details({ run_id: 'run-7', frame_overlap_expanded: [4] }), ids);
    expect(plan.runId).toBe('run-7');
    expect(plan.stitch.frame_overlaps).toEqual([4, 0]);
  });

  it('refuses an overlap that leaves a segment no frames of its own, naming the field', () => {
    expect(() => planTravel(details({ frame_overlap_expanded: [4, 17] }), ids)).toThrow(HttpError);
    try {
      planTravel(details({ frame_overlap_expanded: [4, 17] }), ids);
    } catch (error) {
      expect((error as HttpError).options.field).toBe('params.orchestrator_details.frame_overlap_expanded.1');
    }
  });
});
