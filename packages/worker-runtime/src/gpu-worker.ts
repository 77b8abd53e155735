/**
 * One GPU worker process's BullMQ loop. BullMQ blocks on Redis for the next job (no polling of
 * our own: the family's idle block time is `drainDelay`), renews the job's lock while the event
 * loop is free (inference runs off the loop), and hands a stalled job to another worker when a
 * process dies. A model-specific `process` function is all a worker app adds.
 */

import type { RedisTopology } from '@gpuq/config';
import { familyOfQueue, MODEL_FAMILIES, type QueueJobData, type QueueName } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import { createRedis, onCancel } from '@gpuq/queue';
import { Worker } from 'bullmq';
import type { ProcessJob } from './job-context.js';
import { CANCELLED_BY_USER, SHUTTING_DOWN } from './job-lifecycle.js';

export interface GpuWorkerOptions {
  queue: QueueName;
  /** Redis: one node, a Cluster or Sentinel (a string is a single node's URL). */
  redis: RedisTopology | string;
  prefix: string;
  workerId: string;
  process: ProcessJob;
  logger: Logger;
  /** Jobs at once in this process. Default 1 (one job per GPU). */
  concurrency?: number;
  /** Lease length: a job whose lock is not renewed for this long is taken for dead. Default 60 s. */
  lockDurationMs?: number;
  /** How often stalled jobs are looked for. Default 30 s. */
  stalledIntervalMs?: number;
  /** Expired leases tolerated before the job fails for good. Default 2. */
  maxStalledCount?: number;
}

export interface GpuWorker {
  readonly worker: Worker<QueueJobData, unknown, string>;
  /** Stops taking jobs, lets the running ones finish for up to `graceMs`, then aborts them. */
  close(graceMs?: number): Promise<void>;
}

export function startGpuWorker(options: GpuWorkerOptions): GpuWorker {
  const topology: RedisTopology =
    typeof options.redis === 'string' ? { kind: 'single', url: options.redis } : options.redis;
  const connection = createRedis({ topology, role: 'worker', name: options.workerId });
  const family = familyOfQueue(options.queue);
  const worker = new Worker<QueueJobData, unknown, string>(
    options.queue,
    async (job, _token, signal) => {
      const logger = options.logger.child({
        jobId: job.id,
        taskType: job.data.taskType,
        attempt: job.attemptsMade + 1,
      });
      const abort = signal ?? new AbortController().signal;
      logger.info('job started');
      return options.process(job, { signal: abort, logger, workerId: options.workerId });
    },
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 1,
      drainDelay: MODEL_FAMILIES[family].idleBlockSeconds,
      lockDuration: options.lockDurationMs ?? 60_000,
      stalledInterval: options.stalledIntervalMs ?? 30_000,
      maxStalledCount: options.maxStalledCount ?? 2,
      name: options.workerId,
    },
  );
  // Cancellation from the api reaches the process running the job, on whichever host.
  const subscriber = createRedis({
    topology,
    role: 'worker',
    name: `${options.workerId}:cancel`,
  });
  // The worker's own 'error' listener below reports the outage; this one would print every retry.
  subscriber.on('error', (error) => options.logger.debug({ err: error.message }, 'cancel channel'));
  const listening = onCancel(subscriber, options.prefix, (jobId) => {
    if (worker.cancelJob(jobId, CANCELLED_BY_USER))
      options.logger.info({ jobId }, 'cancelling the running job');
  }).catch((error: unknown) =>
    options.logger.error({ err: (error as Error).message }, 'cannot listen for cancellations'),
  );
  worker.on('completed', (job) => options.logger.info({ jobId: job.id }, 'job completed'));
  worker.on('failed', (job, error) =>
    options.logger.warn({ jobId: job?.id, err: error.message }, 'job failed'),
  );
  worker.on('error', (error) => options.logger.error({ err: error.message }, 'worker error'));

  return {
    worker,
    async close(graceMs = 30_000) {
      const closing = worker.close();
      const timer = setTimeout(() => worker.cancelAllJobs(SHUTTING_DOWN), graceMs);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
        await listening;
        subscriber.disconnect();
        connection.disconnect();
      }
    },
  };
}
