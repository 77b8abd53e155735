/**
 * Keeps our BullMQ fleet fed with protocol tasks that became claimable through a path this
 * package did not see (a BullMQ callback completing a segment, a requeue by the reaper): it
 * listens to the task status broadcast and enqueues the dependants of every task that turns
 * Complete, and sweeps all claimable protocol tasks every `sweepMs`, and at once when a lost
 * LISTEN connection is back, because notifications sent while it was down are gone. Enqueueing is idempotent (job id = task id), and a
 * job whose task an HTTP worker took meanwhile is dropped by the callback's claim (409).
 */
import { type Database, isConnectionFailure, listenTaskStatus, listReadyTasks, type Task } from '@gpuq/db';
import { ProtocolTaskType } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import { enqueueReadyDependants, enqueueTasks, NEVER_ENQUEUED } from '../actions/dispatch.js';
import { coalescedLookup } from './coalesced-lookup.js';

export interface DependencyDispatcherOptions {
  db: Database;
  logger: Logger;
  enqueue: (task: Task) => Promise<void>;
  /** How often to sweep every claimable protocol task. Default 30 000 ms. */
  sweepMs?: number;
}

export interface DependencyDispatcher {
  /** Enqueue every claimable protocol task now. */
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

const ENQUEUED_TYPES = ProtocolTaskType.options.filter((type) => !NEVER_ENQUEUED.has(type));

export async function startDependencyDispatcher(
  options: DependencyDispatcherOptions,
): Promise<DependencyDispatcher> {
  const ctx = { db: options.db, logger: options.logger, enqueue: options.enqueue };
  const onError = (error: unknown) =>
    isConnectionFailure(error)
      ? options.logger.warn(
          { err: (error as Error).message },
          'dependency dispatch deferred: database unavailable',
        )
      : options.logger.error({ err: error }, 'dependency dispatch failed');
  // Completions that arrive while a dependants query runs share the next one.
  const dependantsOf = coalescedLookup((taskIds) => enqueueReadyDependants(ctx, taskIds), onError);
  const unlisten = await listenTaskStatus(
    options.db,
    (event) => {
      if (event.status === 'Complete') dependantsOf(event.taskId);
      // A reaped claim is Queued again: it goes back on the queue too.
      if (event.status === 'Queued' && event.previousStatus === 'In Progress') {
        sweep().catch(onError);
      }
    },
    {
      onRestored: () => {
        sweep()
          .then((enqueued) =>
            options.logger.info({ enqueued }, 'dependency dispatcher swept after the listener reconnected'),
          )
          .catch(onError);
      },
    },
  );
  async function sweep(): Promise<number> {
    return enqueueTasks(ctx, await listReadyTasks(options.db, { taskTypes: ENQUEUED_TYPES, limit: 500 }));
  }
  const timer = setInterval(() => sweep().catch(onError), options.sweepMs ?? 30_000);
  timer.unref();
  await sweep().catch(onError);
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await unlisten();
    },
  };
}
