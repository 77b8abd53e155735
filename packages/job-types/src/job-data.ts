/**
 * The data of one BullMQ job: ids and parameters only. The one secret is the job's own callback
 * credential, which can sign callbacks for this job and nothing else.
 */
import { z } from 'zod';
import { GenerationParams } from './generation-params.js';
import { TaskType } from './job-type.js';

/** A file in this system's storage. */
export const StoredFileRef = z.object({ bucket: z.string().min(1), path: z.string().min(1) });
export type StoredFileRef = z.infer<typeof StoredFileRef>;

/**
 * What a travel task reads besides its params, resolved from the database when it is enqueued
 * (its dependencies are Complete by then), so a WAN worker needs storage access only.
 */
export const TravelJobInputs = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('segment'),
      /** The previous segment's video; null for the first segment. */
      previousVideo: StoredFileRef.nullable(),
      /** Frames this segment shares with the previous one (crossfaded at the stitch). */
      overlapWithPrevious: z.number().int().nonnegative(),
    }),
    z.object({
      kind: z.literal('stitch'),
      /** The segment videos in travel order. */
      segmentVideos: z.array(StoredFileRef).min(1),
      /** overlaps[i]: frames shared by segments i and i + 1. */
      overlaps: z.array(z.number().int().nonnegative()),
    }),
  ])
  .meta({ id: 'TravelJobInputs' });
export type TravelJobInputs = z.infer<typeof TravelJobInputs>;

export const QueueJobData = z
  .object({
    taskId: z.uuid(),
    taskType: TaskType,
    userId: z.uuid(),
    projectId: z.uuid(),
    /** Resolved parameters for the ten queue-job types; protocol tasks carry their raw params. */
    generation: GenerationParams.nullable(),
    params: z.record(z.string(), z.unknown()),
    bucket: z.string(),
    callbackToken: z.string().min(1),
    /** Unix seconds after which the callback credential is refused. */
    callbackExpiresAt: z.number().int().positive(),
    /** travel_segment and travel_stitch only. */
    travel: TravelJobInputs.optional(),
    /**
     * The image an image-to-video checkpoint starts from, when the request named one in this
     * system's storage (`referenceImageUrl`, a travel's `start_image_path`). A travel segment with
     * a predecessor starts from the predecessor's frames instead.
     */
    conditioningImage: StoredFileRef.optional(),
    /** The worker running it, set by the worker when it claims (shown in Bull Board). */
    workerId: z.string().optional(),
  })
  .meta({ id: 'QueueJobData' });
export type QueueJobData = z.infer<typeof QueueJobData>;
