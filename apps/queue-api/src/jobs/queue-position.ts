/**
 * A waiting task's place in line (1 = next to start), asked of the queue it waits in. Our fleets'
 * jobs wait in a BullMQ queue in Redis, which answers from its own list in one script whose cost
 * is the job's distance from the nearer end of the line (`JobQueues.place`); that list is also the
 * order workers take jobs in. A job a worker has already taken is first: it starts now.
 *
 * Postgres counts instead (the Queued tasks of the same queue created before it), at a cost that
 * grows with the backlog, only where Redis cannot say: a registered type's task, which waits in
 * Postgres for a pull-worker; a Queued task whose job is in no line (committed but not enqueued
 * yet, as when the event stream presents a task the moment its row is written; waiting out a
 * retry delay; or lost with Redis's data, until the reconciler puts it back); and Redis not
 * answering within `timeoutMs`.
 */
import { type Database, queuePosition, type Task } from '@gpuq/db';
import { fleetQueueOf, type TaskType } from '@gpuq/job-types';
import type { JobQueues } from '@gpuq/queue';
import { sameQueueTypes } from './same-queue-types.js';

export type ReadQueuePosition = (task: Task) => Promise<number | null>;

export interface QueuePositionDeps {
  db: Database;
  queues: JobQueues;
  /** Longest wait for Redis's answer before Postgres counts. Default 250 ms. */
  timeoutMs?: number;
}

export function queuePositionReader(deps: QueuePositionDeps): ReadQueuePosition {
  const timeoutMs = deps.timeoutMs ?? 250;
  const countInPostgres = (task: Task, taskTypes: readonly string[]) =>
    queuePosition(deps.db, { taskId: task.id, taskTypes });

  return async function readQueuePosition(task) {
    const queue = fleetQueueOf(task.taskType);
    if (!queue) return countInPostgres(task, [task.taskType]);
    const place = await withinMs(deps.queues.place(queue, task.id), timeoutMs).catch(() => null);
    if (place?.state === 'waiting') return place.position;
    if (place?.state === 'taken') return 1;
    return countInPostgres(task, sameQueueTypes(task.taskType as TaskType));
  };
}

/** `work`'s answer, or null once `ms` have passed without one. */
function withinMs<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
