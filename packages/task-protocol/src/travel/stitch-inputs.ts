/**
 * What a travel_stitch job needs besides its params, resolved from the database at enqueue time
 * (every segment is Complete by then): the stored segment videos in order, the overlaps and the
 * frame rate. queue-api puts these in the BullMQ job data, so our wan-worker can stitch with
 * storage access only (stitchTravelSegments) and report through its callback. Params that are not
 * a stitch's throw TravelInputError: the stitch is failed (and refunded), never retried.
 */
import type { Database, StoredOutput, Task } from '@gpuq/db';
import { TravelStitchParams } from '@gpuq/job-types';
import { segmentOutputs } from './segment-outputs.js';
import { checkedTravelParams } from './travel-params.js';

export interface StitchInputs {
  segments: StoredOutput[];
  overlaps: number[];
  fps: number;
}

export async function travelStitchInputs(
  db: Database,
  stitch: Task,
  storageBaseUrls: readonly string[] = [],
): Promise<StitchInputs> {
  const params = checkedTravelParams(stitch, TravelStitchParams);
  return {
    segments: await segmentOutputs(db, stitch, params.segment_task_ids, storageBaseUrls),
    overlaps: params.frame_overlaps,
    fps: params.fps,
  };
}
