/**
 * Tasks as the API shows them (JobRecord): queue position and ETA while waiting or running, and
 * outputs as signed URLs that expire. A caller that already knows the queue position (queue-job,
 * whose submit_job call returns it) passes it and saves the query; the ETA's per-job duration
 * comes from a cache refreshed every few seconds.
 */
import { type Database, queuePosition, type Task, toJobRecord } from '@gpuq/db';
import { fleetQueueOf, JOB_CATALOG, type JobRecord, type JobType, type TaskType } from '@gpuq/job-types';
import type { Storage } from '@gpuq/storage';
import { RecentDurationCache } from './recent-duration-cache.js';
import { sameQueueTypes } from './same-queue-types.js';

export const OUTPUT_URL_TTL_SECONDS = 3600;

export interface KnownPlacement {
  /** The task's queue position, read in the same statement that returned the task. */
  queuePosition: number | null;
}

export type PresentJob = (task: Task, known?: KnownPlacement) => Promise<JobRecord>;

function expectedSeconds(task: Task): number {
  const spec = JOB_CATALOG[task.taskType as JobType];
  const images = typeof task.params.numImages === 'number' ? task.params.numImages : 1;
  return spec ? spec.expectedSeconds * images : 60;
}

export function jobPresenter(deps: { db: Database; storage: Storage }): PresentJob {
  const durations = new RecentDurationCache({ db: deps.db });
  return async function presentJob(task, known) {
    const taskType = task.taskType;
    const waiting = task.status === 'Queued';
    const running = task.status === 'In Progress';
    let position: number | null = null;
    if (waiting) {
      position = known
        ? known.queuePosition
        : await queuePosition(deps.db, {
            taskId: task.id,
            // A registered type waits among its own kind for a pull-worker.
            taskTypes: fleetQueueOf(taskType) ? sameQueueTypes(taskType as TaskType) : [taskType],
          });
    }
    let etaSeconds: number | null = null;
    if (waiting || running) {
      const perJob = (await durations.seconds(taskType)) ?? expectedSeconds(task);
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
