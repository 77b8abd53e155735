/**
 * A worker for (a) throughput and (c) pickup latency: no HTTP, no database, a processor that only
 * returns the moment it was called. MODE=raw is a bare BullMQ Worker (the baseline); MODE=gpuq is
 * our startGpuWorker (logger child, cancellation listener, lease settings, the family's drainDelay).
 * Settings come from the environment: REDIS_URL, QUEUE_PREFIX, QUEUE, CONCURRENCY, MODE.
 */
import type { QueueName } from '@gpuq/job-types';
import { createLogger } from '@gpuq/logger';
import { startGpuWorker } from '@gpuq/worker-runtime';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { wallClockMs } from '../util/stats.js';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = process.env.QUEUE_PREFIX ?? '{gpuq-bench}';
const queue = (process.env.QUEUE ?? 'sdxl_queue') as QueueName;
const concurrency = Number(process.env.CONCURRENCY ?? '1');
const pickedAt = async () => ({ pickedAt: wallClockMs() });

let close: () => Promise<void>;
if (process.env.MODE === 'raw') {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // BullMQ's defaults but for concurrency: what a team would write on day one.
  const worker = new Worker(queue, pickedAt, { connection, prefix, concurrency });
  await worker.waitUntilReady();
  close = async () => {
    await worker.close();
    connection.disconnect();
  };
} else {
  const logger = createLogger({ name: 'bench-queue-worker', level: 'warn' });
  const gpu = startGpuWorker({
    queue,
    redis: redisUrl,
    prefix,
    workerId: `bench-${process.pid}`,
    logger,
    concurrency,
    process: pickedAt,
  });
  await gpu.worker.waitUntilReady();
  close = () => gpu.close(1_000);
}
console.log('ready');
process.once('SIGTERM', () => void close().finally(() => process.exit(0)));
