/** Job options every enqueue uses, from one place. */
import type { JobsOptions } from 'bullmq';

export interface JobOptionsConfig {
  /** Attempts before a job lands failed (JOB_MAX_ATTEMPTS). Default 3. */
  maxAttempts?: number;
  /** Higher-priority jobs are taken first; BullMQ's 1 is the highest. Default none. */
  priority?: number;
}

export function jobOptions(taskId: string, config: JobOptionsConfig = {}): JobsOptions {
  return {
    // The task id doubles as the job id: enqueueing the same task twice adds nothing.
    jobId: taskId,
    attempts: config.maxAttempts ?? 3,
    backoff: { type: 'exponential', delay: 5_000 },
    ...(config.priority === undefined ? {} : { priority: config.priority }),
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    // Failed jobs stay: they are the dead-letter view, replayable with the same inputs.
    removeOnFail: false,
  };
}
