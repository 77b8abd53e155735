/**
 * Puts back on BullMQ every queue-job task that Postgres holds as Queued but Redis does not (Redis
 * was down at enqueue time, or lost its data). Runs at start and then periodically. Never twice:
 * a job's id is its task's id, so adding one that exists adds nothing, and a task that a worker
 * has claimed is no longer Queued.
 */
import { listQueuedJobTasks } from '@gpuq/db';
import { JOB_CATALOG, JobType } from '@gpuq/job-types';
import type { ApiServices } from '../services.js';

export interface ReconcileReport {
  checked: number;
  enqueued: number;
}

/** Tasks younger than this are left alone: their own request may still be enqueueing them. */
const GRACE_SECONDS = 5;

export async function reconcileOnce(
  services: ApiServices,
  graceSeconds = GRACE_SECONDS,
): Promise<ReconcileReport> {
  const tasks = await listQueuedJobTasks(services.db, {
    jobTypes: JobType.options,
    olderThanSeconds: graceSeconds,
    limit: 500,
  });
  let enqueued = 0;
  for (const task of tasks) {
    const queueName = JOB_CATALOG[task.taskType as JobType].queue;
    const queue = services.queues.queue(queueName);
    if (await queue.getJob(task.id)) continue;
    await services.enqueueTask(task);
    enqueued += 1;
  }
  if (enqueued > 0)
    services.logger.info({ enqueued, checked: tasks.length }, 'reconciler enqueued tasks missing from Redis');
  return { checked: tasks.length, enqueued };
}

/** Runs `reconcileOnce` now and every `intervalMs`; returns the function that stops it. */
export function startReconciler(services: ApiServices, intervalMs = 30_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await reconcileOnce(services);
    } catch (error) {
      services.logger.warn({ err: (error as Error).message }, 'reconciler pass failed; next pass retries');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
