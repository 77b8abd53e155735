/**
 * The minimal hand-written path's worker: a bare BullMQ Worker whose processor is one plain HTTP
 * POST to the hand-written api's callback route (no signing, no claim, no storage).
 * Settings: REDIS_URL, QUEUE_PREFIX, CALLBACK_URL, CONCURRENCY.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: null,
});
const callbackUrl = process.env.CALLBACK_URL ?? 'http://127.0.0.1:8788/callback';
const worker = new Worker(
  'sdxl_queue',
  async (job) => {
    const response = await fetch(callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ taskId: job.data.taskId }),
    });
    if (!response.ok) throw new Error(`callback answered ${response.status}`);
  },
  {
    connection,
    prefix: process.env.QUEUE_PREFIX ?? '{gpuq-bench-hw}',
    concurrency: Number(process.env.CONCURRENCY ?? '1'),
  },
);
await worker.waitUntilReady();
console.log('ready');
process.once('SIGTERM', () => void worker.close().finally(() => process.exit(0)));
