import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { JOB_CATALOG } from './catalog.js';
import { GenerationParams, travelSegmentGenerationParams } from './generation-params.js';
import { defaultNegativePrompt } from './queue-job.js';

const segment = {
  orchestrator_run_id: 'run-1',
  orchestrator_task_id: randomUUID(),
  segment_index: 1,
  prompt: 'noon over the dunes',
  frames: 11,
  frame_overlap_with_previous: 3,
  seed: 8,
  width: 64,
  height: 64,
  fps: 12,
};

describe('travelSegmentGenerationParams', () => {
  it("keeps the segment's own frames, size, seed and rate over the video_fast preset", () => {
    const params = travelSegmentGenerationParams(segment)!;
    expect(GenerationParams.parse(params)).toEqual(params);
    const preset = JOB_CATALOG.video_fast.preset;
    expect(params).toMatchObject({
      prompt: 'noon over the dunes',
      negativePrompt: defaultNegativePrompt('video_fast'),
      frames: 11,
      fps: 12,
      width: 64,
      height: 64,
      seed: 8,
      steps: preset.steps,
      scheduler: preset.scheduler,
      enhancePrompt: false,
    });
    expect(preset.frames).not.toBe(11);
  });

  it('takes the negative prompt and falls back to the preset rate', () => {
    const { fps: _fps, ...withoutFps } = segment;
    const params = travelSegmentGenerationParams({ ...withoutFps, negative_prompt: 'blurry' })!;
    expect(params).toMatchObject({ negativePrompt: 'blurry', fps: JOB_CATALOG.video_fast.preset.fps });
  });

  it('returns null for params that are not a segment', () => {
    expect(travelSegmentGenerationParams({ prompt: 'x' })).toBeNull();
    expect(travelSegmentGenerationParams({ ...segment, frames: 0 })).toBeNull();
  });
});
