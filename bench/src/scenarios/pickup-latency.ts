/**
 * (c) Enqueue-to-pickup latency with idle workers: one job at a time, `pickupGapMs` apart so the
 * worker is back to blocking on Redis before the next add. Latency = the processor's first line
 * minus the moment before `add` (both on this machine's wall clock, sub-millisecond). The seed's
 * polling loop woke every 2 s (SDXL) / 5 s (WAN); a job arriving at a uniform moment waits
 * interval × p for percentile p, which is what the report sets against ours.
 */
import { familyOfQueue, MODEL_FAMILIES, type QueueName } from '@gpuq/job-types';
import { createRedis, JobQueues } from '@gpuq/queue';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import type { BenchSize } from '../bench-size.js';
import { type Child, startRole } from '../util/child.js';
import type { PeakLog } from '../util/peaks.js';
import { percentile, round, wallClockMs } from '../util/stats.js';
import { sleep, waitUntil } from '../util/wait.js';
import { resolveJobData } from './job-data.js';

export interface PickupRow {
  worker: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The seed's polling at this queue's interval, for the same percentiles. */
  seedPollingP50Ms: number;
  seedPollingP99Ms: number;
}

const WARM_UP = 3;

export async function benchPickupLatency(size: BenchSize, peaks: PeakLog): Promise<PickupRow[]> {
  const kinds: { name: string; mode: 'gpuq' | 'raw'; queue: QueueName }[] = [
    { name: 'startGpuWorker, sdxl_queue', mode: 'gpuq', queue: 'sdxl_queue' },
    { name: 'startGpuWorker, wan_queue', mode: 'gpuq', queue: 'wan_queue' },
    { name: 'raw BullMQ Worker', mode: 'raw', queue: 'sdxl_queue' },
  ];
  const producer = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'bench-pickup' });
  const rows: PickupRow[] = [];
  for (const kind of kinds) {
    const prefix = uniqueQueuePrefix('bench-pickup');
    const queues = new JobQueues({ connection: producer, prefix });
    const worker: Child = startRole('queue-worker', {
      label: `${kind.name} worker`,
      env: {
        MODE: kind.mode,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        QUEUE: kind.queue,
        CONCURRENCY: '1',
      },
    });
    try {
      await worker.waitFor('ready');
      const sentAt = new Map<string, number>();
      for (let index = 0; index < WARM_UP + size.pickupSamples; index += 1) {
        const data = resolveJobData();
        const before = wallClockMs();
        await queues.enqueue(kind.queue, data, { maxAttempts: 3, priority: 10 });
        if (index >= WARM_UP) sentAt.set(data.taskId, before);
        await sleep(size.pickupGapMs);
      }
      const queue = queues.queue(kind.queue);
      const total = WARM_UP + size.pickupSamples;
      await waitUntil(async () => (await queue.getCompletedCount()) >= total, 'pickup jobs');
      const latencies: number[] = [];
      for (const [id, before] of sentAt) {
        const job = await queue.getJob(id);
        const picked = (job?.returnvalue as { pickedAt?: number } | undefined)?.pickedAt;
        if (picked !== undefined) latencies.push(picked - before);
      }
      const interval = MODEL_FAMILIES[familyOfQueue(kind.queue)].idleBlockSeconds * 1000;
      rows.push({
        worker: kind.name,
        samples: latencies.length,
        p50Ms: round(percentile(latencies, 50), 3),
        p99Ms: round(percentile(latencies, 99), 3),
        maxMs: round(percentile(latencies, 100), 3),
        seedPollingP50Ms: interval * 0.5,
        seedPollingP99Ms: interval * 0.99,
      });
      await queue.obliterate({ force: true }).catch(() => {});
    } finally {
      peaks.add('(c)', { [worker.label]: await worker.stop() });
      await queues.close();
    }
  }
  producer.disconnect();
  return rows;
}
