/**
 * A 3-segment travel created with Reigh's exact create-task body, run to its end by a client that
 * speaks the Headless worker's requests and reads each task's params as its handlers do; the same
 * stored tasks read as our WAN fleet's job data. Answers are checked with the conditions the
 * clients apply.
 */
import { listTravelTasks } from '@gpuq/db';
import { protocolJob } from '@gpuq/job-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { travelJobInputs } from '../../src/index.js';
import { type Harness, json, SERVICE_KEY, startHarness } from '../harness.js';
import {
  HeadlessWorker,
  readSegmentLikeTheWorker,
  readStitchLikeTheWorker,
  renderVideo,
} from './headless-worker.js';
import { reighTravelBody } from './reigh-travel-payload.js';

/** Four images, so three segments: what both travels here ask for. */
const THREE_SEGMENTS = {
  imageUrls: ['a', 'b', 'c', 'd'].map((name) => `https://example.com/${name}.png`),
  segmentFrames: [9, 13, 9],
  frameOverlap: [2, 3, 2],
};

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ label: 'reigh_travel' });
});
afterAll(async () => {
  await h?.close();
});

describe("Reigh's travel on the Headless worker", () => {
  it('creates the orchestrator, runs 3 segments and the stitch, and completes the travel', async () => {
    const body = reighTravelBody({
      projectId: h.alice.projectId,
      ...THREE_SEGMENTS,
      resolution: '256x256',
    });
    // src/shared/lib/taskCreation.ts 183-212: supabase.functions.invoke → `data` (parsed JSON);
    // any non-2xx is its `error`. create-task/index.ts 242-245 answers { task_id, status }.
    const created = await h.post('/functions/v1/create-task', h.alice.jwt, body);
    expect(created.status).toBe(200);
    expect(created.headers.get('content-type')).toMatch(/application\/json/);
    const data = await json(created);
    expect(data).toEqual({ task_id: expect.any(String), status: 'Task queued' });
    expect(created.headers.get('x-task-id')).toBe(data.task_id);
    const orchestratorId = data.task_id as string;

    const worker = new HeadlessWorker(h, SERVICE_KEY, 'gpu-headless-1');
    const seen: string[] = [];
    let stitchedFrom: Array<[number, string]> = [];
    for (let step = 0; step < 10; step++) {
      const task = await worker.claim();
      if (!task) break;
      seen.push(`${task.task_type}:${task.params.segment_index ?? ''}`);
      if (task.task_type === 'travel_segment') {
        const { frames, width, height } = readSegmentLikeTheWorker(task.params);
        expect(task.params.orchestrator_task_id_ref).toBe(orchestratorId);
        const index = task.params.segment_index as number;
        const predecessor = await worker.predecessorOutput(task.task_id);
        if (index > 0) expect((await fetch(predecessor.output_location)).status).toBe(200);
        const video = await renderVideo(frames, width, height, 40 + index * 80);
        // A segment's guide frames go up as an intermediate file, read back by its public URL.
        const intermediate = await worker.uploadIntermediate(task.task_id, video, `guide_${index}.mp4`);
        expect((await fetch(intermediate)).status).toBe(200);
        const done =
          index === 1
            ? await worker.completeUploaded(task.task_id, video, 'segment.mp4')
            : await worker.completeInline(task.task_id, video, 'segment.mp4');
        // source/db_operations.py 718 / 872: success is `resp.status_code == 200`.
        expect(done.status).toBe(200);
      } else {
        expect(task.task_type).toBe('travel_stitch');
        const stitch = readStitchLikeTheWorker(task.params);
        expect(stitch.segments).toBe(3);
        stitchedFrom = await worker.completedSegments(stitch.runId, stitch.projectId);
        for (const [, url] of stitchedFrom) expect((await fetch(url)).status).toBe(200);
        const final = await renderVideo(25, 256, 256, 200);
        expect((await worker.completeInline(task.task_id, final, 'travel.mp4')).status).toBe(200);
      }
    }

    expect(seen).toEqual(['travel_segment:0', 'travel_segment:1', 'travel_segment:2', 'travel_stitch:']);
    expect(stitchedFrom.map(([index]) => index)).toEqual([0, 1, 2]);
    const orchestrator = await h.task(orchestratorId);
    expect(orchestrator.status).toBe('Complete');
    expect(orchestrator.outputLocation).toMatch(/travel\.mp4$/);
    // The seed's form of get-completed-segments names the orchestrator, not the run.
    const seedForm = await h.post('/functions/v1/get-completed-segments', SERVICE_KEY, {
      orchestrator_id: orchestratorId,
    });
    expect(seedForm.status).toBe(200);
    expect(((await json(seedForm)) as unknown[]).length).toBe(3);
  });

  it('gives our WAN fleet the same plan from the same stored params', async () => {
    const created = await h.post(
      '/functions/v1/create-task',
      h.bob.jwt,
      reighTravelBody({
        projectId: h.bob.projectId,
        ...THREE_SEGMENTS,
        resolution: '902x508',
      }),
    );
    const { task_id: orchestratorId } = await json(created);
    const tasks = await listTravelTasks(h.db, orchestratorId);
    const segments = tasks.filter((task) => task.taskType === 'travel_segment');
    expect(segments).toHaveLength(3);
    for (const [i, segment] of segments.entries()) {
      const job = protocolJob('travel_segment', segment.params);
      expect(job.success).toBe(true);
      if (!job.success) continue;
      // Both readings agree: the worker's segment_frames_target is our frames.
      expect(job.data.generation?.frames).toBe(readSegmentLikeTheWorker(segment.params).frames);
      expect(job.data.generation).toMatchObject({
        width: 896,
        height: 496,
        prompt: `a slow pan, part ${i + 1}`,
      });
      expect(job.data.params).not.toHaveProperty('orchestrator_details');
    }
    const first = await travelJobInputs(h.db, segments[0]!, [h.storageBase]);
    expect(first).toEqual({ kind: 'segment', previousVideo: null, overlapWithPrevious: 0 });
  });
});
