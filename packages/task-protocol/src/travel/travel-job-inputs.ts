/**
 * The inputs of a travel task as our WAN workers receive them in the BullMQ job data (see
 * TravelJobInputs): a segment its predecessor's video, a stitch every segment video in order with
 * the overlaps. Resolved when the task is enqueued, which is only once its dependencies are
 * Complete (actions/dispatch.ts), so the worker needs storage access only. Other task types have
 * none (undefined). Throws TravelInputError when the segment's params are invalid or a video it
 * needs is missing or foreign: the task can never run.
 */
import type { Database, StoredOutput, Task } from '@gpuq/db';
import { type StoredFileRef, type TravelJobInputs, TravelSegmentParams } from '@gpuq/job-types';
import { segmentOutputs } from './segment-outputs.js';
import { travelStitchInputs } from './stitch-inputs.js';
import { checkedTravelParams } from './travel-params.js';

const fileRef = ({ bucket, path }: StoredOutput): StoredFileRef => ({ bucket, path });

export async function travelJobInputs(
  db: Database,
  task: Task,
  storageBaseUrls: readonly string[],
): Promise<TravelJobInputs | undefined> {
  if (task.taskType === 'travel_segment') {
    const params = checkedTravelParams(task, TravelSegmentParams);
    // Segments are chained one by one: the dependency is the previous segment.
    const previousId = task.dependantOn.at(-1);
    const [previous] = previousId ? await segmentOutputs(db, task, [previousId], storageBaseUrls) : [];
    return {
      kind: 'segment',
      previousVideo: previous ? fileRef(previous) : null,
      overlapWithPrevious: params.frame_overlap_with_previous,
    };
  }
  if (task.taskType === 'travel_stitch') {
    const { segments, overlaps } = await travelStitchInputs(db, task, storageBaseUrls);
    return { kind: 'stitch', segmentVideos: segments.map(fileRef), overlaps };
  }
  return undefined;
}
