/**
 * A travel_orchestrator with 3 segments, created over HTTP, run by two pull-workers to one
 * stitched MP4 whose frame count ffprobe reads as sum(segments) − sum(overlaps); segments reach
 * our BullMQ queue (a real Redis) only once their predecessor is Complete; a failed segment stops
 * the travel and refunds what did not run.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cancelTask, claimTask, completeTask, failTask, listTravelTasks, type Task } from '@gpuq/db';
import { type QueueJobData, type TaskType, taskSpec } from '@gpuq/job-types';
import { probeVideo } from '@gpuq/media';
import { createRedis, JobQueues } from '@gpuq/queue';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TravelInputError, travelJobInputs } from '../src/index.js';
import { type Harness, startHarness, type TestUser } from './harness.js';
import { runPullWorker } from './pull-worker.js';

let h: Harness;
let queues: JobQueues;
const redis = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'protocol-travel-test' });
const enqueued: string[] = [];

beforeAll(async () => {
  queues = new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('travel') });
  h = await startHarness({
    label: 'travel',
    enqueue: async (task: Task) => {
      const data: QueueJobData = {
        taskId: task.id,
        taskType: task.taskType as TaskType,
        userId: task.userId,
        projectId: task.projectId,
        generation: null,
        params: task.params,
        bucket: taskSpec(task.taskType as TaskType).bucket,
        callbackToken: 'not-used-by-pull-workers',
        callbackExpiresAt: Math.floor(Date.now() / 1000) + 3600,
      };
      await queues.enqueue(taskSpec(task.taskType as TaskType).queue, data);
      enqueued.push(task.id);
    },
  });
});
afterAll(async () => {
  await h?.close();
  for (const queue of queues.all()) await queue.obliterate({ force: true });
  await queues.close();
  redis.disconnect();
});

const details = (frames: number[], overlaps: number[]) => ({
  orchestrator_details: {
    base_prompts_expanded: frames.map((_, i) => `place ${i}`),
    negative_prompts_expanded: ['blurry'],
    segment_frames_expanded: frames,
    frame_overlap_expanded: overlaps,
    parsed_resolution_wh: '256x256',
    seed_base: 7,
  },
});

async function createTravel(user: TestUser, frames: number[], overlaps: number[]): Promise<string> {
  const taskId = randomUUID();
  const res = await h.post('/functions/v1/create-task', user.jwt, {
    task_id: taskId,
    params: details(frames, overlaps),
    task_type: 'travel_orchestrator',
    project_id: user.projectId,
  });
  expect(res.status).toBe(200);
  return taskId;
}

const finished = (taskId: string) => async () => {
  const status = (await h.task(taskId)).status;
  return status === 'Complete' || status === 'Failed' || status === 'Cancelled';
};

describe('travel orchestration', () => {
  it('expands the orchestrator into a chain of segments and a stitch, reserving credits once', async () => {
    const before = await h.credits(h.alice.userId);
    const orchestratorId = await createTravel(h.alice, [9, 11, 9], [3, 2]);
    const orchestrator = await h.task(orchestratorId);
    expect(orchestrator).toMatchObject({ status: 'In Progress', claimedBy: null, workerId: null });
    const [s0, s1, s2, stitch] = await listTravelTasks(h.db, orchestratorId);
    expect([s0, s1, s2].map((s) => s!.dependantOn)).toEqual([[], [s0!.id], [s1!.id]]);
    expect(s1!.params).toMatchObject({
      segment_index: 1,
      frames: 11,
      frame_overlap_with_previous: 3,
      seed: 8,
    });
    expect(stitch!.dependantOn).toEqual([s0!.id, s1!.id, s2!.id]);
    expect(stitch!.params).toMatchObject({ frame_overlaps: [3, 2], fps: 16 });
    expect(await h.credits(h.alice.userId)).toBe(before - (3 * 5 + 1));
    // Only the first segment is runnable: it alone is on the BullMQ queue.
    expect(enqueued).toEqual([s0!.id]);
    expect(await queues.queue('wan_queue').getJob(s1!.id)).toBeUndefined();

    const workers = await Promise.all([
      runPullWorker({ h, token: h.alice.pat, workerId: 'pull-a', done: finished(orchestratorId) }),
      runPullWorker({ h, token: h.alice.jwt, workerId: 'pull-b', done: finished(orchestratorId) }),
    ]);
    expect(workers.flat().sort()).toEqual([
      'travel_segment:0',
      'travel_segment:1',
      'travel_segment:2',
      'travel_stitch:',
    ]);

    // Each later task was enqueued the moment its dependencies completed, in chain order.
    expect(enqueued).toEqual([s0!.id, s1!.id, s2!.id, stitch!.id]);
    const done = await h.task(orchestratorId);
    expect(done.status).toBe('Complete');
    expect(done.outputLocation).toContain(`/tasks/${stitch!.id}/travel.mp4`);

    const dir = await mkdtemp(join(tmpdir(), 'gpuq-travel-'));
    try {
      const file = join(dir, 'travel.mp4');
      await writeFile(file, Buffer.from(await (await fetch(done.outputLocation!)).arrayBuffer()));
      const probe = await probeVideo(file, { countFrames: true });
      expect(probe.frameCount).toBe(9 + 11 + 9 - (3 + 2));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const { rows } = await h.db.query<{ task_id: string }>(
      'select g.task_id from public.generations g join public.tasks t on t.id = g.task_id where t.user_id = $1',
      [h.alice.userId],
    );
    expect(rows.map((row) => row.task_id)).toEqual([stitch!.id]);
    expect(await h.credits(h.alice.userId)).toBe(before - 16);
  });

  it('stops the travel when a segment fails, refunding the segments and stitch that did not run', async () => {
    const before = await h.credits(h.bob.userId);
    const orchestratorId = await createTravel(h.bob, [9, 9, 9], [2, 2]);
    await runPullWorker({
      h,
      token: h.bob.pat,
      workerId: 'pull-c',
      done: finished(orchestratorId),
      onSegment: async (taskId, index) => {
        if (index !== 1) return 'render';
        const res = await h.post('/functions/v1/update-task-status', h.bob.pat, {
          task_id: taskId,
          status: 'Failed',
          output_location: 'CUDA out of memory',
        });
        expect(res.status).toBe(200);
        return 'stop';
      },
    });
    const [s0, s1, s2, stitch] = await listTravelTasks(h.db, orchestratorId);
    expect([s0, s1, s2, stitch].map((t) => t!.status)).toEqual(['Complete', 'Failed', 'Failed', 'Failed']);
    expect(s1!.errorMessage).toBe('CUDA out of memory');
    const orchestrator = await h.task(orchestratorId);
    expect(orchestrator.status).toBe('Failed');
    expect(orchestrator.errorMessage).toBe(
      `travel stopped: travel_segment 1 (task ${s1!.id}) failed: CUDA out of memory`,
    );
    expect(s2!.errorMessage).toBe(orchestrator.errorMessage);
    // Segment 0 ran and is paid; segments 1, 2 and the stitch are refunded.
    expect(await h.credits(h.bob.userId)).toBe(before - 5);
  });

  it('stops the travel whichever path finished a task: a BullMQ callback failing a segment, a user cancelling', async () => {
    const failedTravel = await createTravel(h.bob, [9, 9], [2]);
    const [f0, , fStitch] = await listTravelTasks(h.db, failedTravel);
    // What the job-callback service does for a BullMQ worker: claim by id, then fail.
    await claimTask(h.db, { taskId: f0!.id, workerId: 'wan-worker-1', attempt: 1 });
    await failTask(h.db, { taskId: f0!.id, errorMessage: 'model load failed', attempt: 1 });
    expect((await h.task(fStitch!.id)).status).toBe('Failed');
    expect((await h.task(failedTravel)).errorMessage).toMatch(
      /^travel stopped: travel_segment 0 .* failed: model load failed$/,
    );

    const before = await h.credits(h.bob.userId);
    const cancelledTravel = await createTravel(h.bob, [9, 9], [2]);
    await cancelTask(h.db, { taskId: cancelledTravel, reason: 'changed my mind', userId: h.bob.userId });
    const tasks = await listTravelTasks(h.db, cancelledTravel);
    expect(tasks.map((task) => task.status)).toEqual(['Cancelled', 'Cancelled', 'Cancelled']);
    expect(await h.credits(h.bob.userId)).toBe(before);
  });

  it('refuses a resolution no segment could render, creating nothing', async () => {
    const before = await h.credits(h.alice.userId);
    const res = await h.post('/functions/v1/create-task', h.alice.jwt, {
      params: {
        orchestrator_details: { ...details([9, 9], [2]).orchestrator_details, parsed_resolution_wh: '48x32' },
      },
      task_type: 'travel_orchestrator',
      project_id: h.alice.projectId,
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      error: {
        field: expect.stringContaining('parsed_resolution_wh'),
        message: expect.stringContaining('256..1280'),
      },
    });
    expect(await h.credits(h.alice.userId)).toBe(before);
  });

  it('resolves what our WAN fleet reads: the previous segment video, then every segment video in order', async () => {
    const orchestratorId = await createTravel(h.bob, [9, 9], [2]);
    const [s0, s1, stitch] = await listTravelTasks(h.db, orchestratorId);
    expect(await travelJobInputs(h.db, s0!, [])).toEqual({
      kind: 'segment',
      previousVideo: null,
      overlapWithPrevious: 0,
    });
    // Segment 1 before segment 0 has an output: it cannot run.
    await expect(travelJobInputs(h.db, s1!, [])).rejects.toThrow(TravelInputError);

    const output = (task: Task) => ({
      kind: 'video' as const,
      bucket: 'travel',
      path: `${task.userId}/${task.id}/video.mp4`,
    });
    for (const segment of [s0!, s1!]) {
      await claimTask(h.db, { taskId: segment.id, workerId: 'wan-worker-1', attempt: 1 });
      await completeTask(h.db, {
        taskId: segment.id,
        outputLocation: `travel/${output(segment).path}`,
        result: { outputs: [output(segment)] },
        attempt: 1,
      });
    }
    const strip = ({ bucket, path }: { bucket: string; path: string }) => ({ bucket, path });
    expect(await travelJobInputs(h.db, (await h.task(s1!.id)) as Task, [])).toEqual({
      kind: 'segment',
      previousVideo: strip(output(s0!)),
      overlapWithPrevious: 2,
    });
    expect(await travelJobInputs(h.db, stitch!, [])).toEqual({
      kind: 'stitch',
      segmentVideos: [strip(output(s0!)), strip(output(s1!))],
      overlaps: [2],
    });
  });
});
