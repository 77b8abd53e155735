/**
 * Tasks as the API shows them (JobRecord): queue position (queue-position.ts) and ETA while
 * waiting or running, and outputs as signed URLs that expire. The ETA's per-job duration comes
 * from a cache refreshed every few seconds.
 */
import { type Database, type Task, toJobRecord } from '@gpuq/db';
import { JOB_CATALOG, type JobRecord, type JobType } from '@gpuq/job-types';
import type { Storage } from '@gpuq/storage';
import type { ReadQueuePosition } from './queue-position.js';
import { RecentDurationCache } from './recent-duration-cache.js';

export const OUTPUT_URL_TTL_SECONDS = 3600;

export type PresentJob = (task: Task) => Promise<JobRecord>;

function expectedSeconds(task: Task): number {
  const spec = JOB_CATALOG[task.taskType as JobType];
  const images = typeof task.params.numImages === 'number' ? task.params.numImages : 1;
  return spec ? spec.expectedSeconds * images : 60;
}

export function jobPresenter(deps: {
  db: Database;
  storage: Storage;
  queuePosition: ReadQueuePosition;
}): PresentJob {
  const durations = new RecentDurationCache({ db: deps.db });
  return async function presentJob(task) {
    const taskType = task.taskType;
    const waiting = task.status === 'Queued';
    const running = task.status === 'In Progress';
    const position = waiting ? await deps.queuePosition(task) : null;
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
