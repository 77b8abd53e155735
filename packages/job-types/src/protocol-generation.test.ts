import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JOB_CATALOG } from './catalog.js';
import { GenerationParams } from './generation-params.js';
import { type ProtocolJob, protocolJob } from './protocol-generation.js';
import { creditCost, defaultNegativePrompt, QueueJobRequest } from './queue-job.js';

const segment = {
  orchestrator_run_id: 'run-1',
  orchestrator_task_id: randomUUID(),
  segment_index: 1,
  prompt: 'noon over the dunes',
  frames: 11,
  frame_overlap_with_previous: 3,
  seed: 8,
  width: 256,
  height: 256,
  fps: 12,
};

function mapped(taskType: Parameters<typeof protocolJob>[0], params: unknown): ProtocolJob {
  const result = protocolJob(taskType, params);
  if (!result.success) throw result.error;
  return result.data;
}

describe('protocolJob: travel_segment', () => {
  it("keeps the segment's own frames, size, seed and rate over the video_fast preset", () => {
    const { generation } = mapped('travel_segment', segment);
    expect(GenerationParams.parse(generation)).toEqual(generation);
    const preset = JOB_CATALOG.video_fast.preset;
    expect(generation).toMatchObject({
      prompt: 'noon over the dunes',
      negativePrompt: defaultNegativePrompt('video_fast'),
      frames: 11,
      fps: 12,
      width: 256,
      height: 256,
      seed: 8,
      steps: preset.steps,
      scheduler: preset.scheduler,
      enhancePrompt: false,
    });
    expect(preset.frames).not.toBe(11);
  });

  it('takes the negative prompt, falls back to the preset rate and snaps sizes to the WAN grid', () => {
    const { fps: _fps, ...withoutFps } = segment;
    const { generation } = mapped('travel_segment', { ...withoutFps, negative_prompt: 'blurry', width: 902 });
    expect(generation).toMatchObject({
      negativePrompt: 'blurry',
      fps: JOB_CATALOG.video_fast.preset.fps,
      width: 896,
    });
  });

  it('refuses params that are not a bounded segment, naming the field', () => {
    const field = (params: unknown) => {
      const result = protocolJob('travel_segment', params);
      return result.success ? null : result.error.issues[0]!.path.join('.');
    };
    expect(field({ prompt: 'x' })).toBe('orchestrator_run_id');
    expect(field({ ...segment, frames: 0 })).toBe('frames');
    expect(field({ ...segment, frames: 82 })).toBe('frames');
    expect(field({ ...segment, width: 1296 })).toBe('width');
    expect(field({ ...segment, num_inference_steps: 51 })).toBe('num_inference_steps');
  });

  it('keeps unknown keys out of the job data and prices by the most frames any spelling asks', () => {
    const job = mapped('travel_segment', { ...segment, frames: 81, video_length: 81, extra: 'x' });
    expect(job.params).not.toHaveProperty('extra');
    expect(job.credits).toBe(JOB_CATALOG.video_fast.credits);
    const larger = mapped('travel_segment', {
      ...segment,
      frames: 9,
      num_frames: 81,
      width: 1280,
      height: 1280,
    });
    expect(larger.credits).toBe(21);
  });

  it("bounds and prices the Headless worker's fallbacks: its frame target, per-segment overrides, details and phases", () => {
    const field = (params: unknown) => {
      const result = protocolJob('travel_segment', params);
      return result.success ? null : result.error.issues[0]!.path.join('.');
    };
    expect(field({ ...segment, segment_frames_target: 82 })).toBe('segment_frames_target');
    expect(field({ ...segment, individual_segment_params: { num_frames: 500 } })).toBe(
      'individual_segment_params.num_frames',
    );
    expect(field({ ...segment, orchestrator_details: { num_inference_steps: 1000 } })).toBe(
      'orchestrator_details.num_inference_steps',
    );
    expect(field({ ...segment, phase_config: { steps_per_phase: [30, 30] } })).toBe(
      'phase_config.steps_per_phase',
    );
    const large = { ...segment, frames: 9, width: 1280, height: 1280 };
    const base = mapped('travel_segment', large);
    // Each reading a worker may take costs what it would run.
    for (const params of [
      { segment_frames_target: 81 },
      { individual_segment_params: { num_frames: 81 } },
      { orchestrator_details: { segment_frames_expanded: [81] }, segment_index: 0 },
    ]) {
      expect(mapped('travel_segment', { ...large, ...params }).credits).toBeGreaterThan(base.credits);
    }
    const phased = mapped('travel_segment', {
      ...segment,
      frames: 9,
      phase_config: { steps_per_phase: [20, 20] },
    });
    expect(phased.generation?.steps).toBe(40);
  });
});

describe('protocolJob: single_image', () => {
  it('charges what queue-job charges for the same work', () => {
    const job = mapped('single_image', { prompt: 'a fox', width: 2048, height: 1024 });
    const request = QueueJobRequest.parse({
      jobType: 'sdxl_image_fast',
      metadata: { width: 2048, height: 1024 },
    });
    expect(job.credits).toBe(creditCost(request));
    expect(job.credits).toBe(2);
    expect(mapped('single_image', { prompt: 'a fox' }).credits).toBe(1);
  });
});
