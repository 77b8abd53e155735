/**
 * The protocol task types (DESIGN.md section 5) as data: which fleet runs each, its run type, its
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
});
export type TaskSpec = z.infer<typeof TaskSpec>;

export const PROTOCOL_TASK_CATALOG = {
  single_image: { family: 'sdxl', queue: 'sdxl_queue', runType: 'gpu', credits: 1, producesGeneration: true },
  // The orchestrator only expands into segments and a stitch; those carry the cost.
  travel_orchestrator: {
    family: 'wan',
    queue: 'wan_queue',
    runType: 'gpu',
    credits: 0,
    producesGeneration: false,
  },
  travel_segment: {
    family: 'wan',
    queue: 'wan_queue',
    runType: 'gpu',
    credits: 5,
    producesGeneration: false,
  },
  travel_stitch: { family: 'wan', queue: 'wan_queue', runType: 'gpu', credits: 1, producesGeneration: true },
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
    };
  }
  return PROTOCOL_TASK_CATALOG[taskType];
}
