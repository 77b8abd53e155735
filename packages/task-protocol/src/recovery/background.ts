/**
 * The two loops the task protocol needs beside its routes, started once per api process from its
 * settings: the stale-claim reaper (TASK_HEARTBEAT_TIMEOUT_S, JOB_MAX_ATTEMPTS) and, when there is
 * a BullMQ fleet to feed, the dependency dispatcher. `stop()` ends both (call it on SIGTERM).
 */
import { resolveSettings, type TaskProtocolDeps } from '../settings.js';
import { startDependencyDispatcher } from './dependency-dispatcher.js';
import { startStaleTaskReaper } from './stale-task-reaper.js';

export interface TaskProtocolBackgroundOptions
  extends Pick<TaskProtocolDeps, 'db' | 'logger' | 'enqueue' | 'settings'> {
  /** How often the reaper looks. Default 60 000 ms. */
  reaperIntervalMs?: number;
  /** How often the dispatcher sweeps. Default 30 000 ms. */
  sweepMs?: number;
}

export interface TaskProtocolBackground {
  stop(): Promise<void>;
}

export async function startTaskProtocolBackground(
  options: TaskProtocolBackgroundOptions,
): Promise<TaskProtocolBackground> {
  const settings = resolveSettings(options.settings);
  const reaper = startStaleTaskReaper({
    db: options.db,
    logger: options.logger,
    timeoutSeconds: settings.heartbeatTimeoutSeconds,
    maxAttempts: settings.maxAttempts,
    ...(options.reaperIntervalMs ? { intervalMs: options.reaperIntervalMs } : {}),
  });
  const dispatcher = options.enqueue
    ? await startDependencyDispatcher({
        db: options.db,
        logger: options.logger,
        enqueue: options.enqueue,
        ...(options.sweepMs ? { sweepMs: options.sweepMs } : {}),
      })
    : null;
  return {
    async stop() {
      await Promise.all([reaper.stop(), dispatcher?.stop()]);
    },
  };
}
