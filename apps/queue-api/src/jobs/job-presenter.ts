/**
 * Tasks as the API shows them (JobRecord): queue position and ETA while waiting or running, and
 * outputs as signed URLs that expire.
 */
import { type Database, queuePosition, recentDurationSeconds, type Task, toJobRecord } from '@gpuq/db';
import { JOB_CATALOG, type JobRecord, JobType, type TaskType, taskSpec } from '@gpuq/job-types';
import type { Storage } from '@gpuq/storage';

export const OUTPUT_URL_TTL_SECONDS = 3600;

export type PresentJob = (task: Task) => Promise<JobRecord>;

function sameQueueTypes(taskType: TaskType): string[] {
  const queue = taskSpec(taskType).queue;
  return JobType.options.filter((type) => JOB_CATALOG[type].queue === queue);
}

function expectedSeconds(task: Task): number {
  const spec = JOB_CATALOG[task.taskType as JobType];
  const images = typeof task.params.numImages === 'number' ? task.params.numImages : 1;
  return spec ? spec.expectedSeconds * images : 60;
}

export function jobPresenter(deps: { db: Database; storage: Storage }): PresentJob {
  return async function presentJob(task) {
    const taskType = task.taskType as TaskType;
    const waiting = task.status === 'Queued';
    const running = task.status === 'In Progress';
    const position = waiting
      ? await queuePosition(deps.db, { taskId: task.id, taskTypes: sameQueueTypes(taskType) })
      : null;
    let etaSeconds: number | null = null;
    if (waiting || running) {
      const perJob = (await recentDurationSeconds(deps.db, { taskType })) ?? expectedSeconds(task);
      etaSeconds = waiting ? perJob * (position ?? 1) : perJob * (1 - (task.progress ?? 0));
      etaSeconds = Math.round(etaSeconds * 10) / 10;
    }
    return toJobRecord(task, {
      queuePosition: position,
      etaSeconds,
      urlFor: (output) => deps.storage.signedUrl(output.bucket, output.path, OUTPUT_URL_TTL_SECONDS),
    });
  };
}
