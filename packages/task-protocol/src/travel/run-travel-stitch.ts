/**
 * Runs a claimed travel_stitch end to end on this machine: reads its segments' outputs, stitches
 * them (stitch-travel-segments.ts), stores the MP4, and completes the stitch, which completes the
 * orchestrator in the same transaction (migration travel_chain_cascade) and fires the generation
 * trigger once for the whole travel. Any failure fails the stitch with the reason, which stops
 * the travel and refunds what did not run.
 */
import { failTask, getTask, type Task } from '@gpuq/db';
import type { Logger } from '@gpuq/logger';
import type { Storage } from '@gpuq/storage';
import { completeWithOutput } from '../actions/complete.js';
import { TravelInputError } from '../errors/travel-input-error.js';
import { outputUrl } from '../output/output-url.js';
import { resolveSettings, type TaskProtocolDeps } from '../settings.js';
import { travelStitchInputs } from './stitch-inputs.js';
import { stitchTravelSegments } from './stitch-travel-segments.js';

export interface RunTravelStitchDeps extends Pick<TaskProtocolDeps, 'db' | 'enqueue' | 'settings'> {
  storage: Storage;
  logger: Logger;
  tmpDir?: string;
}

export interface TravelStitchResult {
  task: Task;
  frameCount: number;
  segmentFrames: number[];
}

export async function runTravelStitch(
  deps: RunTravelStitchDeps,
  taskId: string,
): Promise<TravelStitchResult> {
  const settings = resolveSettings(deps.settings);
  const task = await getTask(deps.db, { taskId });
  if (task?.taskType !== 'travel_stitch' || task.status !== 'In Progress') {
    throw new TravelInputError(
      taskId,
      'travel_stitch',
      `must be a claimed travel_stitch, is ${task ? `${task.taskType} ${task.status}` : 'missing'}`,
    );
  }
  try {
    const { segments, overlaps } = await travelStitchInputs(deps.db, task, settings.storageBaseUrls);
    const stitched = await stitchTravelSegments({
      storage: deps.storage,
      userId: task.userId,
      taskId: task.id,
      bucket: segments[0]!.bucket,
      segments,
      overlaps,
      ...(deps.tmpDir ? { tmpDir: deps.tmpDir } : {}),
    });
    const { video, poster } = stitched;
    const completed = await completeWithOutput(deps, { userId: null }, task, {
      outputs: [video, poster],
      outputLocation: await outputUrl(deps.storage, settings, video.bucket, video.path),
      thumbnailUrl: await outputUrl(deps.storage, settings, poster.bucket, poster.path),
    });
    deps.logger.info(
      { taskId, frames: stitched.frameCount, segments: stitched.segmentFrames },
      'travel stitched',
    );
    return { task: completed, frameCount: stitched.frameCount, segmentFrames: stitched.segmentFrames };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error({ err: error, taskId }, 'travel stitch failed');
    await failTask(deps.db, { taskId, errorMessage: `stitch failed: ${message}` });
    throw error instanceof TravelInputError
      ? error
      : new TravelInputError(taskId, 'travel_stitch', message, { cause: error });
  }
}
