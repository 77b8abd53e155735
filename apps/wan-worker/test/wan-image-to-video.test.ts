/**
 * The WAN fleet on an image-to-video checkpoint (the generated tiny I2V one), all real: a
 * video_fast job starts from its referenceImageUrl (a file in this system's storage, read by the
 * worker from storage), a job without one fails with a message naming it and is refunded, and a
 * travel's segments each start from the frame their predecessor shares with them.
 */
import { getProfile, getTask, type Task } from '@gpuq/db';
import type { JobRecord } from '@gpuq/job-types';
import { describe, expect, it } from 'vitest';
import {
  newUser,
  probeStored,
  runMetadata,
  runTravel,
  storeImage,
  type TestUser,
  videoPathOf,
} from './travel-helpers.js';
import { useWanStack } from './wan-stack.js';

const stack = useWanStack('wan-i2v', { WAN_TINY_CHECKPOINT: 'image-to-video' });

/** A solid-color PNG in the user's folder, and its public URL in this system's storage. */
const uploadImage = (user: TestUser, name: string, rgb: [number, number, number]) =>
  storeImage(stack.api, user, name, rgb);

async function runVideo(user: TestUser, metadata: Record<string, unknown>): Promise<Task> {
  const response = await stack.api.request('/functions/v1/queue-job', {
    token: user.token,
    json: { jobType: 'video_fast', metadata: { prompt: 'a lighthouse at night', seed: 5, ...metadata } },
  });
  expect(response.status).toBe(200);
  const id = ((await response.json()) as { job: JobRecord }).job.id;
  await expect
    .poll(async () => (await getTask(stack.api.services.db, { taskId: id }))?.status, { timeout: 120_000 })
    .toMatch(/Complete|Failed/);
  return (await getTask(stack.api.services.db, { taskId: id }))!;
}

async function posterOf(task: Task): Promise<Buffer> {
  const poster = (
    task.result as { outputs: Array<{ kind: string; bucket: string; path: string }> }
  ).outputs.find((output) => output.kind === 'poster')!;
  const object = await stack.api.services.storage.get(poster.bucket, poster.path);
  return Buffer.from(await new Response(object.body).arrayBuffer());
}

describe('wan-worker on an image-to-video checkpoint', () => {
  it('starts a video from its reference image, and another image gives another video', async () => {
    const user = await newUser(stack.api);
    const red = await runVideo(user, { referenceImageUrl: await uploadImage(user, 'red', [210, 40, 40]) });
    const blue = await runVideo(user, { referenceImageUrl: await uploadImage(user, 'blue', [40, 40, 210]) });
    expect([red.status, blue.status], `${red.errorMessage} ${blue.errorMessage}`).toEqual([
      'Complete',
      'Complete',
    ]);
    expect(runMetadata(red)).toEqual({
      startedFrom: { bucket: 'uploads', path: `${user.userId}/red.png`, frame: 0 },
    });
    expect((await probeStored(stack.api, red, stack.work)).frameCount).toBe(9);
    // Same prompt and seed: only the image differs, and so does the video.
    expect((await posterOf(red)).equals(await posterOf(blue))).toBe(false);
  }, 200_000);

  it('fails a video without a usable start image, naming referenceImageUrl, and refunds it', async () => {
    const user = await newUser(stack.api);
    const before = (await getProfile(stack.api.services.db, user.userId))!.credits;
    const foreign = await runVideo(user, { referenceImageUrl: 'https://images.example/cat.png' });
    expect(foreign.status).toBe('Failed');
    expect(foreign.errorMessage).toContain('referenceImageUrl');
    expect((await getProfile(stack.api.services.db, user.userId))!.credits).toBe(before);
  }, 200_000);

  it('starts each travel segment from the frame its predecessor shares with it', async () => {
    const user = await newUser(stack.api);
    const start = await uploadImage(user, 'start', [30, 160, 90]);
    const { orchestrator, segments, stitch } = await runTravel(stack.api, stack.worker, user, {
      base_prompts_expanded: ['dawn', 'noon', 'dusk'],
      segment_frames_expanded: [9, 11, 9],
      frame_overlap_expanded: [3, 0],
      parsed_resolution_wh: '256x256',
      seed_base: 3,
      input_image_paths_resolved: [start],
    });
    expect(orchestrator.status, segments.map((task) => task.errorMessage).join('; ')).toBe('Complete');
    expect(segments.map((task) => runMetadata(task)?.startedFrom)).toEqual([
      { bucket: 'uploads', path: `${user.userId}/start.png`, frame: 0 },
      // Segment 1 shares 3 frames with segment 0 (9 frames): it starts at segment 0's frame 6.
      { bucket: 'travel', path: videoPathOf(segments[0]!), frame: 6 },
      // No overlap: segment 2 starts from segment 1's last frame.
      { bucket: 'travel', path: videoPathOf(segments[1]!), frame: 10 },
    ]);
    expect((await probeStored(stack.api, stitch, stack.work)).frameCount).toBe(9 + 11 + 9 - 3);
  }, 200_000);
});
