/** The task types sharing one BullMQ queue: a queue position counted in Postgres counts all of them. */
import { JOB_CATALOG, JobType, type TaskType, taskSpec } from '@gpuq/job-types';

export function sameQueueTypes(taskType: TaskType): JobType[] {
  const queue = taskSpec(taskType).queue;
  return JobType.options.filter((type) => JOB_CATALOG[type].queue === queue);
}
