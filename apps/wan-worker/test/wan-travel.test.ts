/**
 * A travel run by our own WAN fleet (text-to-video), all real: create-task over HTTP expands a
 * travel_orchestrator into 3 chained segments and a stitch; queue-api puts each on wan_queue only
 * when its predecessor is Complete (with the predecessor's video in the job data); this worker
 * process renders each segment at its own frame count on the tiny checkpoint, then stitches them;
 * ffprobe reads the stored travel as sum(frames) − sum(overlaps) frames.
 */
import { getProfile } from '@gpuq/db';
import { reighTravelBody } from '@gpuq/task-protocol/testing';
import { describe, expect, it } from 'vitest';
import { DUNES_TRAVEL, newUser, probeStored, runMetadata, runTravel, videoPathOf } from './travel-helpers.js';
import { useWanStack } from './wan-stack.js';

const stack = useWanStack('wan-travel');

describe('travel on the WAN fleet', () => {
  it('renders the chained segments and stitches them into one video', async () => {
    const user = await newUser(stack.api);
    const { orchestrator, segments, stitch } = await runTravel(stack.api, stack.worker, user, DUNES_TRAVEL);
    const tasks = [...segments, stitch];
    const errors = tasks.map((task) => task.errorMessage).join('; ');
    expect(
      tasks.map((task) => [task.taskType, task.status, task.claimedBy, task.workerId]),
      errors,
    ).toEqual([
      ['travel_segment', 'Complete', 'bullmq', 'wan-travel'],
      ['travel_segment', 'Complete', 'bullmq', 'wan-travel'],
      ['travel_segment', 'Complete', 'bullmq', 'wan-travel'],
      ['travel_stitch', 'Complete', 'bullmq', 'wan-travel'],
    ]);

    // Each segment is exactly as long as its params say, at the tiny profile's 48 px.
    const probes = await Promise.all(segments.map((task) => probeStored(stack.api, task, stack.work)));
    expect(probes.map((probe) => [probe.frameCount, probe.width, probe.height])).toEqual([
      [9, 48, 48],
      [11, 48, 48],
      [9, 48, 48],
    ]);
    // Each segment's job named its predecessor's stored video; a text-to-video checkpoint starts
    // from no image (the overlap is crossfaded at the stitch).
    expect(segments.map((task) => runMetadata(task))).toEqual([
      { startedFrom: null, travel: expect.objectContaining({ previousVideo: null, renderedFrames: 9 }) },
      {
        startedFrom: null,
        travel: expect.objectContaining({ previousVideo: videoPathOf(segments[0]!), renderedFrames: 13 }),
      },
      {
        startedFrom: null,
        travel: expect.objectContaining({ previousVideo: videoPathOf(segments[1]!), keptFrames: 9 }),
      },
    ]);

    const travel = await probeStored(stack.api, stitch, stack.work);
    expect(travel).toMatchObject({ codec: 'h264', width: 48, height: 48, frameCount: 9 + 11 + 9 - (3 + 2) });
    expect(orchestrator).toMatchObject({ status: 'Complete', outputLocation: stitch.outputLocation });
    const { rows } = await stack.api.services.db.query<{ task_id: string }>(
      'select g.task_id from public.generations g join public.tasks t on t.id = g.task_id where t.user_id = $1',
      [user.userId],
    );
    expect(rows.map((row) => row.task_id)).toEqual([stitch.id]);
    const signup = stack.api.env.GPUQ_SIGNUP_CREDITS;
    expect((await getProfile(stack.api.services.db, user.userId))?.credits).toBe(signup - (3 * 5 + 1));
  }, 200_000);

  it("runs a travel whose orchestrator_details are Reigh's, read from the same params a pull-worker reads", async () => {
    const user = await newUser(stack.api);
    // Reigh's travel body (its source named in the fixture), 9/13/9 frames with overlaps 2/3/2.
    const { params } = reighTravelBody({
      projectId: user.projectId,
      imageUrls: ['a', 'b', 'c', 'd'].map((name) => `https://example.com/${name}.png`),
      segmentFrames: [9, 13, 9],
      frameOverlap: [2, 3, 2],
      resolution: '256x256',
    }) as { params: { orchestrator_details: Record<string, unknown> } };
    const { orchestrator, segments, stitch } = await runTravel(
      stack.api,
      stack.worker,
      user,
      params.orchestrator_details,
    );
    expect([...segments, stitch].map((task) => task.status)).toEqual([
      'Complete',
      'Complete',
      'Complete',
      'Complete',
    ]);
    // Our fleet's frames and the worker's segment_frames_target are one number.
    expect(segments.map((task) => [task.params.frames, task.params.segment_frames_target])).toEqual([
      [9, 9],
      [13, 13],
      [9, 9],
    ]);
    const travel = await probeStored(stack.api, stitch, stack.work);
    expect(travel.frameCount).toBe(9 + 13 + 9 - (2 + 3));
    expect(orchestrator.status).toBe('Complete');
  }, 200_000);
});
