/** What the WAN fleet's travel and image-to-video tests share: a user with a project, a travel run to its end, stored videos probed. */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getTask, listTravelTasks, storedOutputs, type Task } from '@gpuq/db';
import { encodePng, probeVideo, type VideoProbe } from '@gpuq/media';
import type { ApiHarness } from '@gpuq/queue-api/testing';
import type { RunningProcess } from '@gpuq/testing';
import { expect } from 'vitest';

export interface TestUser {
  userId: string;
  token: string;
  projectId: string;
}

export async function newUser(api: ApiHarness): Promise<TestUser> {
  const userId = randomUUID();
  const token = await api.token(userId);
  const res = await api.request('/v1/projects', { token, json: { name: 'travels' } });
  expect(res.status).toBe(201);
  const { project } = (await res.json()) as { project: { id: string } };
  return { userId, token, projectId: project.id };
}

export interface FinishedTravel {
  orchestrator: Task;
  segments: Task[];
  stitch: Task;
}

/** Three text-to-video segments of 9, 11 and 9 frames, overlapping by 3 and 2, at 256×256. */
export const DUNES_TRAVEL = {
  base_prompts_expanded: ['dawn over the dunes', 'noon over the dunes', 'dusk over the dunes'],
  segment_frames_expanded: [9, 11, 9],
  frame_overlap_expanded: [3, 2],
  parsed_resolution_wh: '256x256',
  seed_base: 7,
};

/** Creates a travel over HTTP and waits until the orchestrator is finished. */
export async function runTravel(
  api: ApiHarness,
  worker: RunningProcess,
  user: TestUser,
  details: Record<string, unknown>,
): Promise<FinishedTravel> {
  const orchestratorId = randomUUID();
  const created = await api.request('/functions/v1/create-task', {
    token: user.token,
    json: {
      task_id: orchestratorId,
      task_type: 'travel_orchestrator',
      project_id: user.projectId,
      params: { orchestrator_details: details },
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
  const tasks = await listTravelTasks(api.services.db, orchestratorId);
  return { orchestrator: await orchestrator(), segments: tasks.slice(0, -1), stitch: tasks.at(-1)! };
}

/** The task's stored video, read back from storage and probed with every frame counted. */
export async function probeStored(api: ApiHarness, task: Task, workDir: string): Promise<VideoProbe> {
  const video = storedOutputs(task).find((output) => output.kind === 'video');
  expect(video, `task ${task.id} has a stored video`).toBeDefined();
  const object = await api.services.storage.get(video!.bucket, video!.path);
  const file = join(workDir, `${task.id}.mp4`);
  await writeFile(file, Buffer.from(await new Response(object.body).arrayBuffer()));
  return probeVideo(file, { countFrames: true });
}

/** The path of the task's stored video. */
export function videoPathOf(task: Task): string | undefined {
  return storedOutputs(task).find((output) => output.kind === 'video')?.path;
}

/** What the worker reported about the run (the callback's metadata). */
/**
 * What the job reported it did, less `peakMemoryBytes`, which every finished job reports (the
 * process's peak resident memory, a positive number) and which differs from run to run.
 */
export function runMetadata(task: Task): Record<string, unknown> | undefined {
  const metadata = (task.result as { metadata?: Record<string, unknown> } | null)?.metadata;
  if (metadata === undefined) return undefined;
  const { peakMemoryBytes, ...reported } = metadata;
  if (!(typeof peakMemoryBytes === 'number' && peakMemoryBytes > 0)) {
    throw new Error(`task ${task.id} reported no peakMemoryBytes: ${JSON.stringify(metadata)}`);
  }
  return reported;
}

/** A solid-color PNG put in the user's folder of the api's storage; its public URL there. */
export async function storeImage(
  api: ApiHarness,
  user: TestUser,
  name: string,
  rgb: [number, number, number],
): Promise<string> {
  const [width, height] = [40, 24];
  const pixels = new Uint8Array(width * height * 3);
  for (let i = 0; i < pixels.length; i += 3) pixels.set(rgb, i);
  const path = `${user.userId}/${name}.png`;
  await api.services.storage.put('uploads', path, encodePng(pixels, width, height), 'image/png');
  return `${api.env.publicUrl}/storage/v1/object/public/uploads/${path}`;
}
