/**
 * A waiting task's place in line (1 = next to start), asked of the queue it waits in. Our fleets'
 * jobs wait in a BullMQ queue in Redis, which answers from its own list in one script whose cost
 * is the job's distance from the nearer end of the line (`JobQueues.place`); that list is also the
 * order workers take jobs in. A job a worker has already taken is first: it starts now.
 *
 * A task committed moments ago whose job is in no line yet is about to be added (the event stream
 * presents a task the moment its row is written, before its request has enqueued it): it will be
 * last in line, or first for an admin image, and is shown there.
 *
 * Postgres counts instead (the Queued tasks of the same queue created before it), at a cost that
 * grows with the backlog, only where Redis cannot say: a registered type's task, which waits in
 * Postgres for a pull-worker; an older Queued task whose job is in no line (waiting out a retry
 * delay or for its dependencies, or lost with Redis's data until the reconciler puts it back); and
 * Redis not answering within `timeoutMs`.
 */
import { type Database, queuePosition, type Task } from '@gpuq/db';
import { fleetQueueOf, type TaskType } from '@gpuq/job-types';
import type { JobQueues } from '@gpuq/queue';
import { ENQUEUE_GRACE_SECONDS } from './enqueue-grace.js';
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
    if (place?.state === 'elsewhere' && beingEnqueued(task)) {
      // Admin images (free) go first in line, every other job last (enqueue-task.ts).
      return task.cost === 0 ? 1 : place.lineLength + 1;
    }
    return countInPostgres(task, sameQueueTypes(task.taskType as TaskType));
  };
}

/** Young enough that its own request may still be adding its job (the reconciler's grace). */
function beingEnqueued(task: Task): boolean {
  return Date.now() - task.createdAt.getTime() < ENQUEUE_GRACE_SECONDS * 1000;
}

/** `work`'s answer, or null once `ms` have passed without one. */
function withinMs<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
