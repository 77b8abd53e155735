/**
 * The protocol task types (packages/task-protocol) as data: which fleet runs each, its run type, its
 * credit cost and whether completing it yields a user-visible generation.
 */
import { z } from 'zod';
import { JOB_CATALOG } from './catalog.js';
import { isJobType, type ProtocolTaskType, RunType, type TaskType } from './job-type.js';
import { ModelFamily, QueueName } from './model-family.js';

export const TaskSpec = z.object({
  family: ModelFamily,
  queue: QueueName,
  runType: RunType,
  credits: z.number().int().nonnegative(),
  /** Completing it creates a `generations` row (intermediate segments do not). */
  producesGeneration: z.boolean(),
  /** Storage bucket of its outputs. */
  bucket: z.string(),
  /** What its result is. */
  output: z.enum(['image', 'video']),
});
export type TaskSpec = z.infer<typeof TaskSpec>;

const wanTravel = (credits: number, producesGeneration: boolean) =>
  ({
    family: 'wan',
    queue: 'wan_queue',
    runType: 'gpu',
    credits,
    producesGeneration,
    bucket: 'travel',
    output: 'video',
  }) as const;

export const PROTOCOL_TASK_CATALOG = {
  // The least a task costs; single_image and travel_segment are priced by their work over their
  // queue-job preset (protocol-generation.ts), whose credits these are.
  single_image: {
    family: 'sdxl',
    queue: 'sdxl_queue',
    runType: 'gpu',
    credits: JOB_CATALOG.sdxl_image_fast.credits,
    producesGeneration: true,
    bucket: 'single_image',
    output: 'image',
  },
  // The orchestrator only expands into segments and a stitch; those carry the cost.
  travel_orchestrator: wanTravel(0, false),
  travel_segment: wanTravel(JOB_CATALOG.video_fast.credits, false),
  travel_stitch: wanTravel(1, true),
} as const satisfies Record<ProtocolTaskType, TaskSpec>;

/** The spec of any task type, queue-job types included (they are all GPU work that yields output). */
export function taskSpec(taskType: TaskType): TaskSpec {
  if (isJobType(taskType)) {
    const job = JOB_CATALOG[taskType];
    return {
      family: job.family,
      queue: job.queue,
      runType: 'gpu',
      credits: job.credits,
      producesGeneration: true,
      bucket: job.bucket,
      output: job.output,
    };
  }
  return PROTOCOL_TASK_CATALOG[taskType];
}

export function isProtocolTaskType(value: string): value is ProtocolTaskType {
  return Object.hasOwn(PROTOCOL_TASK_CATALOG, value);
}

/**
 * Whether our own BullMQ fleet runs a task of this type: the built-in types it has code for,
 * except the orchestrator (the api expands it). Every other type, registered ones included,
 * waits for a pull-worker to claim it over HTTP.
 */
export function fleetRunsTaskType(taskType: string): boolean {
  return isProtocolTaskType(taskType) && taskType !== 'travel_orchestrator';
}

/** Where a registered (pull-worker) type's outputs are stored: the reference frontend's bucket. */
export const REGISTERED_TASK_BUCKET = 'image_uploads';

/**
 * What completing a task of any type stores and records: a built-in or queue-job type's spec, or
 * for a registered type its outputs in the shared bucket and no generation row (the generation
 * tables hold our fleet's outputs).
 */
export function taskOutputSpec(taskType: string): Pick<TaskSpec, 'bucket' | 'producesGeneration'> {
  if (isJobType(taskType) || isProtocolTaskType(taskType)) return taskSpec(taskType);
  return { bucket: REGISTERED_TASK_BUCKET, producesGeneration: false };
}

/** The BullMQ queue of a catalog type; null for a registered type, which pull-workers claim. */
export function fleetQueueOf(taskType: string): QueueName | null {
  return isJobType(taskType) || isProtocolTaskType(taskType) ? taskSpec(taskType).queue : null;
}
