/**
 * The life of a worker process, the same for both fleets: parse settings (a bad one stops start-up
 * with its name), start the BullMQ loop, and on SIGTERM/SIGINT stop taking jobs, give the running
 * one a grace period, then exit 0.
 */
import { ConfigError, type Env } from '@gpuq/config';
import type { QueueName } from '@gpuq/job-types';
import { createLogger, type Logger } from '@gpuq/logger';
import { type ProcessJob, startGpuWorker } from './gpu-worker.js';
import type { SharedWorkerSettings } from './worker-env.js';

export interface WorkerProcessOptions<Settings extends SharedWorkerSettings> {
  name: string;
  queue: QueueName;
  loadSettings(env: Env): Settings;
  /** Loads the model once and returns the per-job function. */
  prepare(settings: Settings, logger: Logger): Promise<ProcessJob>;
  /** How long a running job may take to finish after SIGTERM. Default 30 s. */
  shutdownGraceMs?: number;
}

export async function runWorkerProcess<Settings extends SharedWorkerSettings>(
  options: WorkerProcessOptions<Settings>,
): Promise<void> {
  let settings: Settings;
  try {
    settings = options.loadSettings(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger({ name: options.name, level: settings.LOG_LEVEL }).child({
    workerId: settings.WORKER_ID,
  });
  const processJob = await options.prepare(settings, logger);
  const worker = startGpuWorker({
    queue: options.queue,
    redisUrl: settings.REDIS_URL,
    prefix: settings.QUEUE_PREFIX,
    workerId: settings.WORKER_ID,
    concurrency: settings.WORKER_CONCURRENCY,
    process: processJob,
    logger,
  });
  logger.info({ queue: options.queue, concurrency: settings.WORKER_CONCURRENCY }, 'worker started');
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping: no new jobs, finishing the running one');
    await worker.close(options.shutdownGraceMs ?? 30_000);
    logger.info('stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
