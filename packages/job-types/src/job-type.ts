import { z } from 'zod';

/** The ten public job types of `POST /functions/v1/queue-job`. */
export const JobType = z.enum([
  'sdxl_image_fast',
  'sdxl_image_high',
  'image_fast',
  'image_high',
  'video_fast',
  'video_high',
  'image7b_fast_enhanced',
  'image7b_high_enhanced',
  'video7b_fast_enhanced',
  'video7b_high_enhanced',
]);
export type JobType = z.infer<typeof JobType>;

/** Task types of the edge-function task protocol (packages/task-protocol). */
export const ProtocolTaskType = z.enum([
  'single_image',
  'travel_orchestrator',
  'travel_segment',
  'travel_stitch',
]);
export type ProtocolTaskType = z.infer<typeof ProtocolTaskType>;

/** Every value the tasks table's `task_type` column may hold. */
export const TaskType = z.enum([...JobType.options, ...ProtocolTaskType.options]);
export type TaskType = z.infer<typeof TaskType>;

/** `gpu` task types need a GPU worker; `api` ones are served by API-only pull-workers. */
export const RunType = z.enum(['gpu', 'api']);
export type RunType = z.infer<typeof RunType>;

export function isJobType(value: string): value is JobType {
  return (JobType.options as readonly string[]).includes(value);
}
