/**
 * The Headless-Wan2GP pull-worker's requests (peteromallet/Headless-Wan2GP), replayed as it sends
 * them — body, headers — and judged by the conditions its code applies to the answers. Each call
 * names the file and lines it copies. Rendering is replaced by a small real MP4; everything else
 * (claiming, the params the handlers read, uploads, completion) is the worker's contract.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMp4 } from '@gpuq/media';
import { expect } from 'vitest';
import { type Harness, type Json, json } from '../harness.js';

export interface ClaimedTask {
  task_id: string;
  task_type: string;
  params: Json;
}

export class HeadlessWorker {
  constructor(
    private readonly h: Harness,
    /** SUPABASE_ACCESS_TOKEN: the service key, or a user's `tasks` token for a local worker. */
    private readonly token: string,
    readonly workerId: string,
  ) {}

  /** source/db_operations.py 538-566: 200 → the task, 204 → none. */
  async claim(): Promise<ClaimedTask | null> {
    const res = await this.h.post('/functions/v1/claim-next-task', this.token, {
      worker_id: this.workerId,
      run_type: 'gpu',
    });
    if (res.status === 204) return null;
    expect(res.status).toBe(200);
    const task = (await json(res)) as ClaimedTask;
    expect(task.task_id).toBeTruthy();
    return task;
  }

  /**
   * heartbeat_guardian.py 120-136: curl with only `apikey`, no Authorization and no task id; the
   * guardian counts the heartbeat sent when `response_data.get('success')` is true.
   */
  async heartbeat(): Promise<Json> {
    const res = await fetch(`${this.h.base}/rest/v1/rpc/func_worker_heartbeat_with_logs`, {
      method: 'POST',
      headers: {
        apikey: this.token,
        'Content-Type': 'application/json',
        Prefer: 'return=representation',
      },
      body: JSON.stringify({
        worker_id_param: this.workerId,
        vram_total_mb_param: 81_559,
        vram_used_mb_param: 40_000,
        logs_param: [],
        status_param: 'active',
      }),
    });
    const answer = await json(res);
    expect(answer.success).toBe(true);
    return answer;
  }

  /** source/db_operations.py 652-656 (files under 2 MB): base64 in complete_task. */
  completeInline(taskId: string, file: Buffer, filename: string): Promise<Response> {
    return this.h.post('/functions/v1/complete_task', this.token, {
      task_id: taskId,
      file_data: file.toString('base64'),
      filename,
    });
  }

  /**
   * source/db_operations.py 745-870 (larger files): generate-upload-url, a PUT of the file to
   * upload_url with only Content-Type, then complete_task with the storage_path. The worker goes on
   * when each answer is 200 (the PUT 200 or 201).
   */
  async completeUploaded(taskId: string, file: Buffer, filename: string): Promise<Response> {
    const storagePath = await this.upload(taskId, file, filename, true);
    return this.h.post('/functions/v1/complete_task', this.token, {
      task_id: taskId,
      storage_path: storagePath,
    });
  }

  /**
   * source/common_utils.py 1942-2038 (intermediate files a later task reads): the same upload,
   * then the public URL the worker builds itself, in the `image_uploads` bucket.
   */
  async uploadIntermediate(taskId: string, file: Buffer, filename: string): Promise<string> {
    const storagePath = await this.upload(taskId, file, filename, false);
    return `${this.h.base}/storage/v1/object/public/image_uploads/${storagePath}`;
  }

  private async upload(taskId: string, file: Buffer, filename: string, thumbnail: boolean): Promise<string> {
    const res = await this.h.post('/functions/v1/generate-upload-url', this.token, {
      task_id: taskId,
      filename,
      content_type: 'video/mp4',
      ...(thumbnail ? { generate_thumbnail_url: true } : {}),
    });
    expect(res.status).toBe(200);
    const { upload_url: uploadUrl, storage_path: storagePath } = await json(res);
    expect(uploadUrl).toBeTruthy();
    const put = await fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'Content-Type': 'video/mp4' },
      body: file,
    });
    expect([200, 201]).toContain(put.status);
    return storagePath;
  }

  /** source/db_operations.py 1467-1490: `{ predecessor_id, output_location }` on 200. */
  async predecessorOutput(taskId: string): Promise<Json> {
    const res = await this.h.post('/functions/v1/get-predecessor-output', this.token, { task_id: taskId });
    expect(res.status).toBe(200);
    return json(res);
  }

  /**
   * source/db_operations.py 1513-1534: `{ run_id, project_id }`; on 200 the list is sorted by
   * segment_index and read as (segment_index, output_location).
   */
  async completedSegments(runId: string, projectId: string): Promise<Array<[number, string]>> {
    const res = await this.h.post('/functions/v1/get-completed-segments', this.token, {
      run_id: runId,
      project_id: projectId,
    });
    expect(res.status).toBe(200);
    const results = (await json(res)) as Array<{ segment_index: number; output_location: string }>;
    return results
      .sort((a, b) => a.segment_index - b.segment_index)
      .map((r) => [r.segment_index, r.output_location]);
  }
}

/**
 * What source/task_registry.py (travel segment, lines 100-176) reads before it renders, with the
 * same failures: the orchestrator refs, segment_index, orchestrator_details (or its legacy name),
 * the model, the resolution and the frame count.
 */
export function readSegmentLikeTheWorker(params: Json): { frames: number; width: number; height: number } {
  const orchestratorTaskIdRef = params.orchestrator_task_id_ref;
  const orchestratorRunId = params.orchestrator_run_id;
  const segmentIndex = params.segment_index;
  const details = params.orchestrator_details ?? params.full_orchestrator_payload;
  expect(orchestratorTaskIdRef, 'orchestrator_task_id_ref').toBeTruthy();
  expect(orchestratorRunId, 'orchestrator_run_id').toBeTruthy();
  expect(segmentIndex, 'segment_index').not.toBeUndefined();
  expect(details, 'orchestrator_details').toBeTruthy();
  expect(params.model_name ?? details.model_name, 'model_name').toBeTruthy();
  const resolution = (params.parsed_resolution_wh ?? details.parsed_resolution_wh) as string;
  const [width, height] = resolution.split('x').map(Number) as [number, number];
  const frames =
    params.individual_segment_params?.num_frames ??
    params.num_frames ??
    params.segment_frames_target ??
    details.segment_frames_expanded[segmentIndex];
  expect(frames, 'frame count').toBeGreaterThan(0);
  return { frames, width, height };
}

/**
 * What source/sm_functions/travel_between_images.py _handle_travel_stitch_task (lines 2629-2660)
 * requires: `all([orchestrator_task_id_ref, orchestrator_run_id, full_orchestrator_payload])`,
 * then num_new_segments_to_generate and parsed_resolution_wh in the payload.
 */
export function readStitchLikeTheWorker(params: Json): {
  runId: string;
  projectId: string;
  segments: number;
} {
  const details = params.orchestrator_details ?? params.full_orchestrator_payload;
  expect(params.orchestrator_task_id_ref && params.orchestrator_run_id && details).toBeTruthy();
  expect(details.parsed_resolution_wh).toMatch(/^\d+x\d+$/);
  expect(params.project_id, 'project_id').toBeTruthy();
  return {
    runId: params.orchestrator_run_id,
    projectId: params.project_id,
    segments: details.num_new_segments_to_generate,
  };
}

/** A real small MP4 of `frames` frames, one shade per segment. */
export async function renderVideo(
  frames: number,
  width: number,
  height: number,
  shade: number,
): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'gpuq-headless-'));
  try {
    const out = join(dir, 'segment.mp4');
    const images = Array.from({ length: frames }, () => new Uint8Array(width * height * 3).fill(shade));
    await encodeMp4(images, { width, height, fps: 16 }, out);
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
