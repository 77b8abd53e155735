/**
 * A travel run by our own WAN fleet, all real: create-task over HTTP expands a
 * travel_orchestrator into 3 chained segments and a stitch; queue-api puts each on wan_queue only
 * when its predecessor is Complete (with the predecessor's video in the job data); this worker
 * process renders each segment at its own frame count on the tiny checkpoint and then stitches
 * them; ffprobe reads the stored travel as sum(frames) − sum(overlaps) frames.
 */

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getProfile, getTask, listTravelTasks, storedOutputs, type Task } from '@gpuq/db';
import { probeVideo, type VideoProbe } from '@gpuq/media';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let api: ApiHarness;
let worker: RunningProcess;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gpuq-wan-travel-'));
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' }, { background: true });
  worker = runTsEntry('src/main.ts', api.workerEnv('wan-travel'));
  await worker.waitFor('worker started', 180_000);
}, 240_000);

afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await worker?.exited();
  await api?.close();
  await rm(work, { recursive: true, force: true });
});

async function newUser(): Promise<{ userId: string; token: string; projectId: string }> {
  const userId = randomUUID();
  const token = await api.token(userId);
  const res = await api.request('/v1/projects', { token, json: { name: 'travels' } });
  expect(res.status).toBe(201);
  const { project } = (await res.json()) as { project: { id: string } };
  return { userId, token, projectId: project.id };
}

async function probeStored(task: Task, name: string): Promise<VideoProbe> {
  const video = storedOutputs(task).find((output) => output.kind === 'video');
  expect(video, `${name} has a stored video`).toBeDefined();
  const object = await api.services.storage.get(video!.bucket, video!.path);
  const file = join(work, `${name}.mp4`);
  await writeFile(file, Buffer.from(await new Response(object.body).arrayBuffer()));
  return probeVideo(file, { countFrames: true });
}

describe('travel on the WAN fleet', () => {
  it('renders the chained segments and stitches them into one video', async () => {
    const user = await newUser();
    const orchestratorId = randomUUID();
    const created = await api.request('/functions/v1/create-task', {
      token: user.token,
      json: {
        task_id: orchestratorId,
        task_type: 'travel_orchestrator',
        project_id: user.projectId,
        params: {
          orchestrator_details: {
            base_prompts_expanded: ['dawn over the dunes', 'noon over the dunes', 'dusk over the dunes'],
            segment_frames_expanded: [9, 11, 9],
            frame_overlap_expanded: [3, 2],
            parsed_resolution_wh: '64x64',
            seed_base: 7,
          },
        },
      },
    });
    expect(created.status).toBe(200);

    const orchestrator = async () => (await getTask(api.services.db, { taskId: orchestratorId }))!;
    await expect
      .poll(async () => (await orchestrator()).status, { timeout: 150_000, interval: 500 })
      .toMatch(/Complete|Failed|Cancelled/)
      .catch((error: unknown) => {
        throw new Error(`the travel did not finish; worker output:\n${worker.output().slice(-3000)}`, {
          cause: error,
        });
      });

    const [s0, s1, s2, stitch] = await listTravelTasks(api.services.db, orchestratorId);
    const tasks = [s0!, s1!, s2!, stitch!];
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
    const segments = await Promise.all([s0!, s1!, s2!].map((task, i) => probeStored(task, `segment-${i}`)));
    expect(segments.map((probe) => [probe.frameCount, probe.width, probe.height])).toEqual([
      [9, 48, 48],
      [11, 48, 48],
      [9, 48, 48],
    ]);
    // Each segment's job carried its predecessor's stored video.
    const previousOf = (task: Task) =>
      (task.result as { metadata?: { travel?: { previousVideo: string | null } } }).metadata?.travel
        ?.previousVideo;
    expect([s0!, s1!, s2!].map(previousOf)).toEqual([
      null,
      storedOutputs(s0!).find((output) => output.kind === 'video')!.path,
      storedOutputs(s1!).find((output) => output.kind === 'video')!.path,
    ]);

    const travel = await probeStored(stitch!, 'travel');
    expect(travel).toMatchObject({ codec: 'h264', width: 48, height: 48, frameCount: 9 + 11 + 9 - (3 + 2) });

    expect(await orchestrator()).toMatchObject({
      status: 'Complete',
      outputLocation: stitch!.outputLocation,
    });
    const { rows } = await api.services.db.query<{ task_id: string }>(
      'select g.task_id from public.generations g join public.tasks t on t.id = g.task_id where t.user_id = $1',
      [user.userId],
    );
    expect(rows.map((row) => row.task_id)).toEqual([stitch!.id]);
    const signup = api.env.GPUQ_SIGNUP_CREDITS;
    expect((await getProfile(api.services.db, user.userId))?.credits).toBe(signup - (3 * 5 + 1));
  }, 200_000);
});
