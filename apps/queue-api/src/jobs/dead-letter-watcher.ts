/**
 * Jobs that die without a word from their worker — every lease expired (the worker kept
 * crashing), or a failure it could not report — land in BullMQ's failed set (the dead-letter
 * view, kept and replayable from Bull Board with the same inputs). This watcher closes their
 * tasks: Failed with BullMQ's last error, credits refunded. A task the worker already reported is
 * left alone (a repeat of its state changes nothing), so every api instance may run it.
 */
import { type Database, failUnfinishedTask, getTask } from '@gpuq/db';
import { isTaskFinished } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import { createRedis, type JobQueues } from '@gpuq/queue';
import { QueueEvents } from 'bullmq';
import type { ApiEnv } from '../env.js';
import type { ApiMetrics } from '../metrics/metrics.js';

/** The part of the api's services the watcher uses (the services object itself fits). */
export interface DeadLetterWatcherServices {
  env: Pick<ApiEnv, 'redis' | 'QUEUE_PREFIX'>;
  db: Database;
  queues: JobQueues;
  logger: Logger;
  metrics: Pick<ApiMetrics, 'jobOutcomes'>;
}

export async function startDeadLetterWatcher(
  services: DeadLetterWatcherServices,
): Promise<() => Promise<void>> {
  // One connection of our own per watcher, so stopping can cut a blocking read that BullMQ's
  // close() would otherwise wait on forever after a Redis restart.
  const connections = services.queues
    .all()
    .map(() => createRedis({ topology: services.env.redis, role: 'worker', name: 'queue-api:dead-letters' }));
  // The api's main connection reports an outage; these would otherwise print every retry.
  for (const connection of connections)
    connection.on('error', (error) =>
      services.logger.debug({ err: error.message }, 'dead-letter connection'),
    );
  const watchers = services.queues
    .all()
    .map(
      (queue, index) =>
        new QueueEvents(queue.name, { connection: connections[index]!, prefix: services.env.QUEUE_PREFIX }),
    );
  for (const watcher of watchers) {
    watcher.on('failed', ({ jobId, failedReason }) => {
      void (async () => {
        const task = await getTask(services.db, { taskId: jobId });
        if (!task || isTaskFinished(task.status)) return;
        // Only when BullMQ has given up: a failure with attempts left is retried, not final.
        const job = await services.queues.queue(watcher.name as never).getJob(jobId);
        if (job && (await job.getState()) !== 'failed') return;
        const failedHere = await failUnfinishedTask(services.db, {
          taskId: jobId,
          errorMessage: failedReason || 'the job failed in the queue',
        });
        // Every instance sees the event; the one whose call failed the task counts it.
        if (!failedHere) return;
        services.metrics.jobOutcomes.inc({ job_type: task.taskType, outcome: 'failed' });
        services.logger.warn({ jobId, failedReason }, 'job died in the queue: task failed and refunded');
      })().catch((error: unknown) =>
        services.logger.error({ jobId, err: (error as Error).message }, 'could not close a dead job'),
      );
    });
  }
  // Not awaited: with Redis down at start-up the api still starts, and the watchers connect later.
  for (const watcher of watchers)
    watcher.on('error', (error) => services.logger.warn({ err: error.message }, 'queue events'));
  return async () => {
    for (const connection of connections) connection.disconnect();
    await Promise.all(watchers.map((watcher) => watcher.close().catch(() => {})));
  };
}
