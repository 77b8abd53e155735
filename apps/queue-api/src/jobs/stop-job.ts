/**
 * Stops the BullMQ job of a task that was just cancelled or failed by its owner: a waiting job
 * leaves the queue; a running one is told (the `<prefix>:cancel` channel) to abort between steps on
 * whichever host runs it. `POST /v1/jobs/:id/cancel` and the task protocol's update-task-status
 * (through its `stopJob` dependency) both call it. Errors are the caller's to log: the task is
 * finished and refunded either way, and a worker that still runs it is refused at its next report.
 */
import type { Task } from '@gpuq/db';
import { fleetQueueOf } from '@gpuq/job-types';
import { publishCancel } from '@gpuq/queue';
import type { ApiServices } from '../services.js';

const WAITING = new Set(['waiting', 'prioritized', 'delayed']);

export async function stopJob(
  services: Pick<ApiServices, 'queues' | 'redis' | 'env'>,
  task: Pick<Task, 'id' | 'taskType'>,
): Promise<void> {
  const name = fleetQueueOf(task.taskType);
  // A registered type never had a BullMQ job: its pull-worker is refused at its next report.
  if (!name) return;
  const queue = services.queues.queue(name);
  const job = await queue.getJob(task.id);
  const state = await job?.getState();
  if (job && state && WAITING.has(state)) await job.remove();
  else if (state === 'active') await publishCancel(services.redis, services.env.QUEUE_PREFIX, task.id);
}
