import { describe, expect, it } from 'vitest';
import { JOB_CATALOG } from './catalog.js';
import { JobType } from './job-type.js';
import { MODEL_FAMILIES } from './model-family.js';
import { defaultNegativePrompt } from './queue-job.js';
import { taskSpec } from './task-catalog.js';

const expectedRoutes: Record<JobType, { queue: string; variant: string; frames: number; steps: number }> = {
  sdxl_image_fast: { queue: 'sdxl_queue', variant: 'sdxl_base_1_0', frames: 1, steps: 15 },
  sdxl_image_high: { queue: 'sdxl_queue', variant: 'sdxl_base_1_0', frames: 1, steps: 30 },
  image_fast: { queue: 'wan_queue', variant: 'wan_2_1_t2v_1_3b', frames: 1, steps: 25 },
  image_high: { queue: 'wan_queue', variant: 'wan_2_1_t2v_1_3b', frames: 1, steps: 50 },
  video_fast: { queue: 'wan_queue', variant: 'wan_2_1_t2v_1_3b', frames: 81, steps: 25 },
  video_high: { queue: 'wan_queue', variant: 'wan_2_1_t2v_1_3b', frames: 81, steps: 50 },
  image7b_fast_enhanced: { queue: 'wan_queue', variant: 'wan_2_1_t2v_1_3b', frames: 1, steps: 25 },
  image7b_high_enhanced: { queue: 'wan_queue', variant: 'wan_2_1_t2v_1_3b', frames: 1, steps: 50 },
  video7b_fast_enhanced: { queue: 'wan_queue', variant: 'wan_2_1_t2v_1_3b', frames: 81, steps: 25 },
  video7b_high_enhanced: { queue: 'wan_queue', variant: 'wan_2_1_t2v_1_3b', frames: 81, steps: 50 },
};

describe('routing table', () => {
  it.each(JobType.options)('%s routes to its queue, variant and preset', (jobType) => {
    const spec = JOB_CATALOG[jobType];
    const expected = expectedRoutes[jobType];
    expect(spec.queue).toBe(expected.queue);
    expect(spec.modelVariant).toBe(expected.variant);
    expect(spec.preset.frames).toBe(expected.frames);
    expect(spec.preset.steps).toBe(expected.steps);
    expect(spec.bucket).toBe(jobType);
    expect(spec.queue).toBe(MODEL_FAMILIES[spec.family].queue);
  });

  it('prices and times each type as the published price list sets them', () => {
    const credits = Object.fromEntries(JobType.options.map((type) => [type, JOB_CATALOG[type].credits]));
    expect(credits).toEqual({
      sdxl_image_fast: 1,
      sdxl_image_high: 2,
      image_fast: 2,
      image_high: 3,
      video_fast: 5,
      video_high: 8,
      image7b_fast_enhanced: 3,
      image7b_high_enhanced: 4,
      video7b_fast_enhanced: 6,
      video7b_high_enhanced: 9,
    });
    expect(JOB_CATALOG.video_high.expectedSeconds).toBe(280);
  });

  it('marks exactly the 7B types for prompt enhancement', () => {
    const enhanced = JobType.options.filter((type) => JOB_CATALOG[type].enhancePrompt);
    expect(enhanced).toEqual(JobType.options.filter((type) => type.includes('7b')));
  });

  it('uses the presets of the real models', () => {
    expect(JOB_CATALOG.sdxl_image_fast.preset).toMatchObject({
      width: 1024,
      height: 1024,
      scheduler: 'euler_a',
    });
    expect(JOB_CATALOG.sdxl_image_high.preset.scheduler).toBe('dpmpp_2m_karras');
    expect(JOB_CATALOG.video_fast.preset).toMatchObject({ width: 832, height: 480, fps: 16, flowShift: 3 });
    expect(JOB_CATALOG.video_fast.output).toBe('video');
    expect(JOB_CATALOG.image7b_high_enhanced.output).toBe('image');
  });

  it('blocks idle workers 2 s on SDXL and 5 s on WAN', () => {
    expect(MODEL_FAMILIES.sdxl.idleBlockSeconds).toBe(2);
    expect(MODEL_FAMILIES.wan.idleBlockSeconds).toBe(5);
  });

  it('gives each family its own default negative prompt', () => {
    expect(defaultNegativePrompt('sdxl_image_fast')).not.toBe(defaultNegativePrompt('video_fast'));
    expect(defaultNegativePrompt('image_fast')).toBe(defaultNegativePrompt('video7b_high_enhanced'));
  });

  it('runs single_image on the SDXL fleet and travel tasks on WAN', () => {
    expect(taskSpec('single_image').queue).toBe('sdxl_queue');
    expect(taskSpec('travel_segment').queue).toBe('wan_queue');
    expect(taskSpec('travel_stitch').producesGeneration).toBe(true);
    expect(taskSpec('travel_segment').producesGeneration).toBe(false);
    expect(taskSpec('video_fast')).toMatchObject({ queue: 'wan_queue', credits: 5, runType: 'gpu' });
  });
});
