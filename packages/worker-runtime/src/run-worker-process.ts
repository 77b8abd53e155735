/**
 * The life of a worker process, the same for both fleets: parse settings (a bad one stops start-up
 * with its name), start the BullMQ loop, and on SIGTERM/SIGINT stop taking jobs, give the running
 * one a grace period, then exit 0.
 */
import { createCallbackClient } from '@gpuq/callback-client';
import { ConfigError, type Env, type RedisTopology, redisTopology } from '@gpuq/config';
import type { QueueName } from '@gpuq/job-types';
import { createLogger, type Logger } from '@gpuq/logger';
import type { GenerationModel } from './generation-model.js';
import { startGpuWorker } from './gpu-worker.js';
import { jobProcessor } from './job-lifecycle.js';
import { workerStorage } from './storage/worker-storage.js';
import type { SharedWorkerSettings } from './worker-env.js';

export interface WorkerProcessOptions<Settings extends SharedWorkerSettings> {
  name: string;
  queue: QueueName;
  loadSettings(env: Env): Settings;
  /** Loads the model once. */
  prepare(settings: Settings, logger: Logger): Promise<GenerationModel>;
  /** How long a running job may take to finish after SIGTERM. Default 30 s. */
  shutdownGraceMs?: number;
  /** Minimum interval between progress callbacks. Default 1 s (a time-scaled simulation shortens it). */
  progressIntervalMs?: number;
}

export async function runWorkerProcess<Settings extends SharedWorkerSettings>(
  options: WorkerProcessOptions<Settings>,
): Promise<void> {
  let settings: Settings;
  let redis: RedisTopology;
  try {
    settings = options.loadSettings(process.env);
    const problems: string[] = [];
    redis = redisTopology(settings, problems);
    if (problems.length > 0) throw new ConfigError(options.name, problems);
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
  const model = await options.prepare(settings, logger);
  logger.info({ model: model.description }, 'model loaded');
  let exitCode = 0;
  const callbacks = createCallbackClient({
    url: settings.CALLBACK_URL,
    onRetry: ({ attempt, reason }) => logger.warn({ attempt, reason }, 'api not reached yet; retrying'),
  });
  const processJob = jobProcessor({
    model,
    callbacks,
    ...(options.progressIntervalMs ? { progressIntervalMs: options.progressIntervalMs } : {}),
    // local: the api's machine, sharing its storage folder; api: remote GPU hosts, signed URLs.
    storageFor: workerStorage({
      kind: settings.WORKER_STORAGE,
      client: callbacks,
      dataDir: settings.GPUQ_DATA_DIR,
      callbackUrl: settings.CALLBACK_URL,
    }),
    onDeviceLost: (error) => {
      logger.fatal({ err: error.message }, 'device lost: handing the job back and exiting for a restart');
      exitCode = 3;
      void stop('device lost');
    },
  });
  const worker = startGpuWorker({
    queue: options.queue,
    redis,
    prefix: settings.QUEUE_PREFIX,
    workerId: settings.WORKER_ID,
    concurrency: settings.WORKER_CONCURRENCY,
    lockDurationMs: settings.WORKER_LEASE_MS,
    stalledIntervalMs: Math.max(1_000, Math.floor(settings.WORKER_LEASE_MS / 2)),
    process: processJob,
    logger,
  });
  logger.info(
    { queue: options.queue, concurrency: settings.WORKER_CONCURRENCY, storage: settings.WORKER_STORAGE },
    'worker started',
  );
  async function stop(signal: string) {
    logger.info({ signal }, 'stopping: no new jobs, finishing the running one');
    await worker.close(options.shutdownGraceMs ?? 30_000);
    logger.info('stopped');
    process.exit(exitCode);
  }
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
