/**
 * The hand-written same-records path's worker: a bare BullMQ Worker that claims its job over
 * plain HTTP, writes the no-op engine's 1x1 PNG (noop-model.ts) to staging (flushed, as ours), and reports the
 * completion; a refused claim drops the job, as ours does.
 * Settings: REDIS_URL, QUEUE_PREFIX, API_URL, DATA_DIR, WORKER_ID, CONCURRENCY.
 */
import { mkdir, open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ONE_PIXEL_PNG } from '@gpuq/testing';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

const connection = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
  maxRetriesPerRequest: null,
});
const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:8789';
const dataDir = process.env.DATA_DIR ?? '/tmp/gpuq-bench-hwr';
const workerId = process.env.WORKER_ID ?? 'bench-hwr';

async function post(route: string, body: object): Promise<boolean> {
  const response = await fetch(`${apiUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (response.status === 409) return false;
  if (!response.ok) throw new Error(`${route} answered ${response.status}`);
  return true;
}

const worker = new Worker(
  'sdxl_queue',
  async (job) => {
    const { taskId, userId } = job.data as { taskId: string; userId: string };
    if (!(await post('/claim', { taskId, workerId }))) return;
    const filename = 'image-0.png';
    const file = join(dataDir, 'staging', userId, taskId, filename);
    await mkdir(dirname(file), { recursive: true });
    const handle = await open(file, 'w');
    try {
      await handle.write(ONE_PIXEL_PNG);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await post('/complete', { taskId, userId, filename });
  },
  {
    connection,
    prefix: process.env.QUEUE_PREFIX ?? '{gpuq-bench-hwr}',
    concurrency: Number(process.env.CONCURRENCY ?? '1'),
  },
);
await worker.waitUntilReady();
console.log('ready');
process.once('SIGTERM', () => void worker.close().finally(() => process.exit(0)));
