/**
 * Puts a runnable task on its fleet's queue: queue-job, the reconciler and the task protocol's
 * dispatcher all enqueue through the one function made here. The job data carries the task's
 * inputs, its callback credential, a travel's resolved inputs and a WAN job's conditioning image.
 * Free tasks (admin images) go first in line.
 */
import { type Database, failTask, type Task } from '@gpuq/db';
import { type QueueJobData, type TaskType, taskSpec } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import type { JobQueues } from '@gpuq/queue';
import { TaskInputError, travelJobInputs } from '@gpuq/task-protocol';
import { conditioningImageOf } from './conditioning-image.js';
import { jobDataFor } from './job-data.js';

export interface TaskEnqueuerOptions {
  db: Database;
  queues: JobQueues;
  logger: Logger;
  /** Signs each job's callback credential. */
  callbackSecret: string;
  /** BullMQ attempts per job (JOB_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** URLs of this system's storage, which travel and image inputs may name. */
  storageBaseUrls: readonly string[];
}

export function taskEnqueuer(options: TaskEnqueuerOptions): (task: Task) => Promise<void> {
  const { db, queues, logger, storageBaseUrls } = options;
  return async function enqueueTask(task) {
    let travel: Awaited<ReturnType<typeof travelJobInputs>>;
    let data: QueueJobData;
    try {
      travel = await travelJobInputs(db, task, storageBaseUrls);
      data = jobDataFor(task, options.callbackSecret);
    } catch (error) {
      // A task whose params or travel inputs are unusable can never run: fail it (refunding
      // it, and stopping its travel) rather than retrying it on every sweep.
      if (!(error instanceof TaskInputError)) throw error;
      logger.warn({ taskId: task.id, err: error.message }, 'task failed at enqueue');
      await failTask(db, { taskId: task.id, errorMessage: error.message });
      return;
    }
    const spec = taskSpec(task.taskType as TaskType);
    const image =
      spec.queue === 'wan_queue' ? conditioningImageOf(task, data.generation, storageBaseUrls) : undefined;
    await queues.enqueue(
      spec.queue,
      { ...data, ...(travel ? { travel } : {}), ...(image ? { conditioningImage: image } : {}) },
      {
        maxAttempts: options.maxAttempts,
        first: task.cost === 0,
      },
    );
  };
}
