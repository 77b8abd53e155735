/**
 * A pull-worker for the travel tests, speaking only HTTP like the Headless worker: it claims,
 * renders a travel segment as a real small MP4 (synthetic frames through @gpuq/media's encoder,
 * one colour per segment), uploads it as base64 and completes; a claimed stitch it hands to
 * runTravelStitch, as our own fleet does.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMp4 } from '@gpuq/media';
import { expect } from 'vitest';
import { runTravelStitch } from '../src/index.js';
import { type Harness, json } from './harness.js';

export interface PullWorkerOptions {
  h: Harness;
  token: string;
  workerId: string;
  /** Stop once this returns true. */
  done: () => Promise<boolean>;
  /** Called for a claimed segment instead of rendering it, to simulate failures. */
  onSegment?: (taskId: string, index: number) => Promise<'render' | 'stop'>;
}

function frames(count: number, size: number, shade: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => {
    const frame = new Uint8Array(size * size * 3);
    for (let p = 0; p < frame.length; p += 3) {
      frame[p] = shade;
      frame[p + 1] = (i * 20) % 256;
      frame[p + 2] = 255 - shade;
    }
    return frame;
  });
}

async function renderSegment(params: Record<string, unknown>): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'gpuq-segment-'));
  try {
    const size = params.width as number;
    const shade = ((params.segment_index as number) * 90) % 256;
    const out = join(dir, 'segment.mp4');
    await encodeMp4(
      frames(params.frames as number, size, shade),
      { width: size, height: size, fps: 16 },
      out,
    );
    return await readFile(out);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runPullWorker(options: PullWorkerOptions): Promise<string[]> {
  const { h, token, workerId } = options;
  const handled: string[] = [];
  while (!(await options.done())) {
    const res = await h.post('/functions/v1/claim-next-task', token, {
      worker_id: workerId,
      run_type: 'gpu',
    });
    if (res.status === 204) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      continue;
    }
    const claimed = (await json(res)) as {
      task_id: string;
      task_type: string;
      params: Record<string, unknown>;
    };
    handled.push(`${claimed.task_type}:${claimed.params.segment_index ?? ''}`);
    if (claimed.task_type === 'travel_stitch') {
      await runTravelStitch(h.deps, claimed.task_id);
      continue;
    }
    const index = claimed.params.segment_index as number;
    if ((await options.onSegment?.(claimed.task_id, index)) === 'stop') continue;
    const predecessor = await json(
      await h.post('/functions/v1/get-predecessor-output', token, { task_id: claimed.task_id }),
    );
    if (index > 0) {
      // Its last frames would guide this segment: the previous video must be there to read.
      expect(predecessor.output_location).toMatch(/travel\.mp4$|segment\.mp4$/);
      expect((await fetch(predecessor.output_location)).status).toBe(200);
    } else {
      expect(predecessor).toEqual({ predecessor_id: null, output_location: null });
    }
    await h.post('/functions/v1/update-task-status', token, {
      task_id: claimed.task_id,
      status: 'In Progress',
    });
    const video = await renderSegment(claimed.params);
    const done = await h.post('/functions/v1/complete_task', token, {
      task_id: claimed.task_id,
      file_data: video.toString('base64'),
      filename: 'segment.mp4',
    });
    expect(done.status).toBe(200);
  }
  return handled;
}
