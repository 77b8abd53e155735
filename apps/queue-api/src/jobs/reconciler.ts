/**
 * Puts back on BullMQ every queue-job task that Postgres holds as Queued but Redis does not (Redis
 * was down at enqueue time, or lost its data). Runs at start, periodically, and once more as soon
 * as the tasks accepted during a Redis outage are past their grace: a job answered 202 while Redis
 * was down (or failing over) then starts seconds after Redis is back, not at the next periodic
 * pass. Never twice: a job's id is its task's id, so adding one that exists adds nothing, and a
 * task that a worker has claimed is no longer Queued.
 */
import { getTask, listQueuedJobTaskRefs, type QueuedTaskRef } from '@gpuq/db';
import { JOB_CATALOG, JobType, type QueueName } from '@gpuq/job-types';
import type { ApiServices } from '../services.js';
import { ENQUEUE_GRACE_SECONDS } from './enqueue-grace.js';

export interface ReconcileReport {
  checked: number;
  enqueued: number;
}

/**
 * Queued tasks read and checked per page; a pass pages through all of them. Measured over a
 * backlog of 3 000: pages of 500 hold the api's event loop at most 3.5 – 4.9 ms at a time (1 000:
 * 7 ms), as the old 500-task pass did, and check the whole backlog for the CPU that pass spent on
 * its 500 (about 30 ms).
 */
const PAGE_SIZE = 500;

/**
 * One pass over every Queued task past its grace, a page at a time: their ids from Postgres, one
 * Redis script call per queue to find which have no job, and only a task found missing read in
 * full and enqueued. A backlog of thousands costs a few cheap round trips, and no task waits behind
 * the oldest page for its turn to be checked.
 */
export async function reconcileOnce(
  services: ApiServices,
  graceSeconds = ENQUEUE_GRACE_SECONDS,
  pageSize = PAGE_SIZE,
): Promise<ReconcileReport> {
  let checked = 0;
  let enqueued = 0;
  let after: QueuedTaskRef | undefined;
  for (;;) {
    const page = await listQueuedJobTaskRefs(services.db, {
      jobTypes: JobType.options,
      olderThanSeconds: graceSeconds,
      limit: pageSize,
      ...(after ? { after } : {}),
    });
    checked += page.length;
    const byQueue = new Map<QueueName, string[]>();
    for (const ref of page) {
      const queue = JOB_CATALOG[ref.taskType as JobType].queue;
      const ids = byQueue.get(queue) ?? [];
      ids.push(ref.id);
      byQueue.set(queue, ids);
    }
    for (const [queue, ids] of byQueue)
      for (const id of await services.queues.missingJobs(queue, ids)) {
        // Read now: a worker may have claimed it since the page was listed.
        const task = await getTask(services.db, { taskId: id });
        if (task?.status !== 'Queued') continue;
        await services.enqueueTask(task);
        enqueued += 1;
      }
    if (page.length < pageSize) break;
    after = page.at(-1);
  }
  if (enqueued > 0)
    services.logger.info({ enqueued, checked }, 'reconciler enqueued tasks missing from Redis');
  return { checked, enqueued };
}

export interface ReconcilerOptions {
  /** Between periodic passes. Default 30 s. */
  intervalMs?: number;
  /** Tasks younger than this are left alone. Default 5 s. */
  graceSeconds?: number;
}

/**
 * Runs `reconcileOnce` now, every `intervalMs`, and after the queue's Redis connection is ready
 * again following a loss; returns the function that stops it.
 */
export function startReconciler(services: ApiServices, options: ReconcilerOptions = {}): () => void {
  const graceSeconds = options.graceSeconds ?? ENQUEUE_GRACE_SECONDS;
  let running = false;
  // A pass asked for while one runs follows it: the running one may have listed before the tasks it
  // was asked for were past their grace.
  let again = false;
  const tick = async (): Promise<void> => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await reconcileOnce(services, graceSeconds);
    } catch (error) {
      services.logger.warn({ err: (error as Error).message }, 'reconciler pass failed; next pass retries');
    } finally {
      running = false;
      if (again) {
        again = false;
        void tick();
      }
    }
  };
  void tick();
  const timer = setInterval(() => void tick(), options.intervalMs ?? 30_000);
  timer.unref();

  // The tasks accepted while Redis was away are at most as old as the outage: the pass waits until
  // the youngest of them is past the grace (its request has answered by then). A later return
  // moves the pass later, which covers the earlier outage's tasks too.
  // Started while Redis is away (the api starts without it): its first ready counts as a return.
  let lost = services.redis.status !== 'ready';
  let pass: NodeJS.Timeout | undefined;
  const onLost = () => {
    lost = true;
  };
  const onReady = () => {
    if (!lost) return;
    lost = false;
    clearTimeout(pass);
    pass = setTimeout(() => void tick(), graceSeconds * 1000 + 250);
    pass.unref();
  };
  // A single node or a Sentinel master: the connection closes, then is ready again. A Cluster
  // stays ready while a master fails over: a node errs, then the slots are read again.
  const events = [
    ['close', onLost],
    ['ready', onReady],
    ['node error', onLost],
    ['refresh', onReady],
  ] as const;
  for (const [event, listener] of events) services.redis.on(event, listener);
  return () => {
    clearInterval(timer);
    clearTimeout(pass);
    for (const [event, listener] of events) services.redis.off(event, listener);
  };
}
