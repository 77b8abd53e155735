/**
 * The loop that recovers HTTP-claimed tasks whose worker went silent: every
 * `intervalMs` it runs requeueStaleTasks, which returns a task with no heartbeat for
 * `timeoutSeconds` to Queued (attempts + 1) or, at `maxAttempts`, fails and refunds it. Several
 * api instances may run it at once (the SQL skips rows another instance holds).
 */
import { type Database, isConnectionFailure, type RequeuedTask, requeueStaleTasks } from '@gpuq/db';
import type { Logger } from '@gpuq/logger';

export interface StaleTaskReaperOptions {
  db: Database;
  logger: Logger;
  /** How often to look. Default 60 000 ms. */
  intervalMs?: number;
  /** TASK_HEARTBEAT_TIMEOUT_S. Default 1800. */
  timeoutSeconds?: number;
  /** JOB_MAX_ATTEMPTS. Default 3. */
  maxAttempts?: number;
  /** Told of every task moved (requeued tasks may be enqueued again by the caller). */
  onReaped?: (tasks: RequeuedTask[]) => void | Promise<void>;
}

export interface StaleTaskReaper {
  /** One pass now (tests, and the first pass at start). */
  runOnce(): Promise<RequeuedTask[]>;
  stop(): Promise<void>;
}

export function startStaleTaskReaper(options: StaleTaskReaperOptions): StaleTaskReaper {
  const { db, logger } = options;
  let running: Promise<RequeuedTask[]> | null = null;

  async function pass(): Promise<RequeuedTask[]> {
    const reaped = await requeueStaleTasks(db, {
      timeoutSeconds: options.timeoutSeconds ?? 1800,
      maxAttempts: options.maxAttempts ?? 3,
    });
    for (const task of reaped) {
      logger.warn(
        { taskId: task.taskId, status: task.status, attempts: task.attempts },
        'stale http claim reaped',
      );
    }
    if (reaped.length > 0) await options.onReaped?.(reaped);
    return reaped;
  }

  // One pass at a time: a slow database must not stack passes up.
  function runOnce(): Promise<RequeuedTask[]> {
    running ??= pass().finally(() => {
      running = null;
    });
    return running;
  }

  const timer = setInterval(() => {
    runOnce().catch((error: unknown) =>
      isConnectionFailure(error)
        ? logger.warn(
            { err: (error as Error).message },
            'stale task reaper pass skipped: database unavailable',
          )
        : logger.error({ err: error }, 'stale task reaper pass failed'),
    );
  }, options.intervalMs ?? 60_000);
  timer.unref();

  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
