/**
 * Settings both worker fleets share (docs/CONFIGURATION.md is generated from this schema). A GPU host holds no service key and no
 * callback secret: each job carries its own callback credential.
 */
import { hostname } from 'node:os';
import { ByteSize, Device, PositiveInt, QueuePrefix, RedisSettings } from '@gpuq/config';
import { z } from 'zod';

export const SharedWorkerSettings = z.object({
  /** `development`, `production` or `test`. */
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ...RedisSettings.shape,
  /** BullMQ key prefix; must match the api's. */
  QUEUE_PREFIX: QueuePrefix,
  /** Where callbacks are posted. */
  CALLBACK_URL: z.url().default('http://127.0.0.1:8787/functions/v1/job-callback'),
  /** A stable id for this worker; default derived from the host name and process id. */
  WORKER_ID: z.string().min(1).max(200).default(`${hostname()}-${process.pid}`),
  /** Jobs at once per worker process. */
  WORKER_CONCURRENCY: PositiveInt.default(1),
  /** Lease of a running job: a worker that stops renewing it for this long is taken for dead. */
  WORKER_LEASE_MS: PositiveInt.default(60_000),
  /** `cuda`, `cpu` or `auto` (the CPU until the CUDA backend has passed its checks on a GPU). */
  GPUQ_DEVICE: Device,
  /**
   * The memory the model may use (bytes, or with a unit: `24GB`, `80GiB`). The worker refuses to
   * start when the model's memory plan (weights + working set) does not fit, and fails a job that
   * does not fit beside the weights. Unset: the CUDA device's free memory, or on the CPU the host's
   * available memory.
   */
  GPUQ_MAX_MEMORY: ByteSize.optional(),
  /** Local state: generated tiny checkpoints, local storage. */
  GPUQ_DATA_DIR: z.string().default('./.data'),
  /**
   * Where jobs store outputs and read inputs: `local` (files under GPUQ_DATA_DIR/storage, right only
   * on the api's machine, which serves that folder) or `api` (signed URLs from the job-callback
   * service at CALLBACK_URL, for GPU hosts with no shared disk and no storage key).
   */
  WORKER_STORAGE: z.enum(['local', 'api']).default('local'),
});
export type SharedWorkerSettings = z.infer<typeof SharedWorkerSettings>;
