/**
 * Task-protocol params through real HTTP, Postgres and Redis: what a create-task may ask of our
 * fleet is bounded as queue-job bounds it (400 naming the field, nothing created or charged), it is
 * priced by the work it asks for, and only the mapped, bounded fields reach the BullMQ job data.
 * Unknown keys stay in the stored params for pull-workers.
 */
import { randomUUID } from 'node:crypto';
import { getTask, listTravelTasks } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { createTask, credits, jobData, newUser, taskRows } from './protocol-helpers.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ GPUQ_SIGNUP_CREDITS: '100' });
});
afterAll(async () => {
  await api?.close();
});

/** A single_image whose params also carry a whole GenerationParams asking for far more work. */
const overreachingImage = {
  jobType: 'sdxl_image_high',
  prompt: 'a fox',
  negativePrompt: '',
  seed: 1,
  width: 2048,
  height: 2048,
  frames: 1,
  fps: null,
  steps: 100000,
  scheduler: 'euler_a',
  guidanceScale: 7,
  flowShift: null,
  numImages: 1000,
  enhancePrompt: false,
  referenceImageUrl: null,
};

const segmentParams = (extra: Record<string, unknown>) => ({
  orchestrator_run_id: `run-${randomUUID()}`,
  orchestrator_task_id: randomUUID(),
  segment_index: 0,
  prompt: 'dunes at dawn',
  frame_overlap_with_previous: 0,
  seed: 1,
  ...extra,
});

async function refused(response: Response, field: string): Promise<void> {
  expect(response.status).toBe(400);
  expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', field } });
}

describe('single_image params', () => {
  it('refuses steps and numImages beyond what queue-job allows, creating and charging nothing', async () => {
    const user = await newUser(api);
    const send = (params: Record<string, unknown>) =>
      createTask(api, user.token, { task_type: 'single_image', project_id: user.projectId, params });
    await refused(await send(overreachingImage), 'params.steps');
    await refused(await send({ ...overreachingImage, steps: 30 }), 'params.numImages');
    await refused(await send({ ...overreachingImage, steps: 30, numImages: 1, width: 4096 }), 'params.width');
    await refused(await send({ prompt: 'a fox', num_inference_steps: 31 }), 'params.num_inference_steps');
    expect(await credits(api, user.userId)).toBe(100);
    expect(await taskRows(api, user.userId)).toBe(0);
  });

  it('charges by pixels, steps and images, and puts only the mapped fields in the job data', async () => {
    const user = await newUser(api);
    const response = await createTask(api, user.token, {
      task_type: 'single_image',
      project_id: user.projectId,
      params: { ...overreachingImage, steps: 30, numImages: 2, worker_hint: 'kept' },
    });
    expect(response.status).toBe(200);
    const taskId = response.headers.get('x-task-id')!;
    // sdxl_image_fast costs 1 at 1024x1024 and 15 steps: 4x the pixels, 2x the steps, 2 images.
    expect(await credits(api, user.userId)).toBe(100 - 16);
    const task = (await getTask(api.services.db, { taskId }))!;
    expect(task.cost).toBe(16);
    // Every key stays stored for pull-workers.
    expect(task.params).toMatchObject({ jobType: 'sdxl_image_high', worker_hint: 'kept', steps: 30 });

    const data = (await jobData(api, 'sdxl_queue', taskId))!;
    expect(data.generation).toMatchObject({
      jobType: 'sdxl_image_fast',
      width: 2048,
      height: 2048,
      frames: 1,
      steps: 30,
      numImages: 2,
      scheduler: 'euler_a',
      guidanceScale: 7,
      enhancePrompt: false,
    });
    expect(data.params).not.toHaveProperty('jobType');
    expect(data.params).not.toHaveProperty('worker_hint');
  });

  it('keeps the price of a plain image at one credit', async () => {
    const user = await newUser(api);
    const response = await createTask(api, user.token, {
      task_type: 'single_image',
      project_id: user.projectId,
      params: { prompt: 'a fox', seed: 3 },
    });
    expect(response.status).toBe(200);
    expect(await credits(api, user.userId)).toBe(99);
    const data = (await jobData(api, 'sdxl_queue', response.headers.get('x-task-id')!))!;
    expect(data.generation).toMatchObject({ width: 1024, height: 1024, steps: 15, numImages: 1, seed: 3 });
  });
});

describe('one price list', () => {
  it('charges queue-job and create-task the same for the same image', async () => {
    const user = await newUser(api);
    const queued = await api.request('/functions/v1/queue-job', {
      token: user.token,
      json: { jobType: 'sdxl_image_fast', metadata: { prompt: 'a fox', width: 2048, height: 2048 } },
    });
    expect(queued.status).toBe(200);
    expect(await credits(api, user.userId)).toBe(100 - 4);
    const created = await createTask(api, user.token, {
      task_type: 'single_image',
      project_id: user.projectId,
      params: { prompt: 'a fox', width: 2048, height: 2048 },
    });
    expect(created.status).toBe(200);
    expect(await credits(api, user.userId)).toBe(100 - 8);
  });
});

describe('travel_segment params', () => {
  it('refuses a million frames at 2048 px, creating and charging nothing', async () => {
    const user = await newUser(api);
    const response = await createTask(api, user.token, {
      task_type: 'travel_segment',
      project_id: user.projectId,
      params: segmentParams({ frames: 1000001, width: 2048, height: 2048 }),
    });
    await refused(response, 'params.frames');
    const wide = await createTask(api, user.token, {
      task_type: 'travel_segment',
      project_id: user.projectId,
      params: segmentParams({ frames: 81, width: 2048, height: 2048 }),
    });
    await refused(wide, 'params.width');
    expect(await credits(api, user.userId)).toBe(100);
    expect(await taskRows(api, user.userId)).toBe(0);
  });

  it("charges queue-job's longest, largest video by its work and hands the fleet exactly that", async () => {
    const user = await newUser(api);
    const response = await createTask(api, user.token, {
      task_type: 'travel_segment',
      project_id: user.projectId,
      params: segmentParams({ frames: 81, width: 1280, height: 1280, steps: 25, shot_ref: 'kept' }),
    });
    expect(response.status).toBe(200);
    const taskId = response.headers.get('x-task-id')!;
    // video_fast costs 5 at 832x480, 81 frames, 25 steps; 1280x1280 is 4.1x the pixels.
    expect(await credits(api, user.userId)).toBe(100 - 21);
    const data = (await jobData(api, 'wan_queue', taskId))!;
    expect(data.generation).toMatchObject({ frames: 81, width: 1280, height: 1280, steps: 25, numImages: 1 });
    expect(data.params).not.toHaveProperty('shot_ref');
    expect((await getTask(api.services.db, { taskId }))!.params).toMatchObject({ shot_ref: 'kept' });
  });
});

describe('travel_orchestrator', () => {
  const details = (frames: number[], resolution: string) => ({
    orchestrator_details: {
      base_prompts_expanded: frames.map((_, i) => `place ${i}`),
      segment_frames_expanded: frames,
      frame_overlap_expanded: frames.slice(1).map(() => 8),
      parsed_resolution_wh: resolution,
    },
  });

  it('refuses segments longer than queue-job allows, creating nothing', async () => {
    const user = await newUser(api);
    const response = await createTask(api, user.token, {
      task_type: 'travel_orchestrator',
      project_id: user.projectId,
      params: details([81, 1000], '832x480'),
    });
    await refused(response, 'params.orchestrator_details.segment_frames_expanded.1');
    expect(await taskRows(api, user.userId)).toBe(0);
  });

  it("reserves what its segments' work costs, plus the stitch", async () => {
    const user = await newUser(api);
    const orchestratorId = randomUUID();
    const response = await createTask(api, user.token, {
      task_id: orchestratorId,
      task_type: 'travel_orchestrator',
      project_id: user.projectId,
      params: details([81, 81], '1280x720'),
    });
    expect(response.status).toBe(200);
    const tasks = await listTravelTasks(api.services.db, orchestratorId);
    // Each segment is 2.31x video_fast's pixels: 12 credits; the stitch 1.
    expect(tasks.map((task) => [task.taskType, task.cost])).toEqual([
      ['travel_segment', 12],
      ['travel_segment', 12],
      ['travel_stitch', 1],
    ]);
    expect(await credits(api, user.userId)).toBe(100 - 25);
  });
});
