/**
 * (c) Enqueue-to-pickup latency with idle workers. Three workers (ours on sdxl_queue and on
 * wan_queue, raw BullMQ on sdxl_queue), each alone on its prefix with concurrency 1; jobs go out
 * one at a time, round-robin over the three, `pickupGapMs` apart, so every worker is back to
 * blocking on Redis before its next job and all three see the same background load. Latency =
 * the processor's first line minus the moment before `add` (one wall clock, sub-millisecond).
 * The seed's polling loop woke every 2 s (SDXL) / 5 s (WAN): a job arriving at a uniform moment
 * waits interval × p at percentile p, which is what the report sets against ours.
 */
import { familyOfQueue, MODEL_FAMILIES, type QueueName } from '@gpuq/job-types';
import { createRedis, JobQueues } from '@gpuq/queue';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import type { BenchSize } from '../bench-size.js';
import { startRole } from '../util/child.js';
import type { PeakLog } from '../util/peaks.js';
import { percentile, round, wallClockMs } from '../util/stats.js';
import { sleep, waitUntil } from '../util/wait.js';
import { resolveJobData } from './job-data.js';

export interface PickupRow {
  worker: string;
  samples: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The seed's polling at this queue's interval, for the same percentiles. */
  seedPollingP50Ms: number;
  seedPollingP99Ms: number;
}

const WARM_UP = 3;
const KINDS: { name: string; mode: 'gpuq' | 'raw'; queue: QueueName }[] = [
  { name: 'startGpuWorker, sdxl_queue', mode: 'gpuq', queue: 'sdxl_queue' },
  { name: 'startGpuWorker, wan_queue', mode: 'gpuq', queue: 'wan_queue' },
  { name: 'raw BullMQ Worker, sdxl_queue', mode: 'raw', queue: 'sdxl_queue' },
];

export async function benchPickupLatency(size: BenchSize, peaks: PeakLog): Promise<PickupRow[]> {
  const producer = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'bench-pickup' });
  const sides = KINDS.map((kind) => {
    const prefix = uniqueQueuePrefix('bench-pickup');
    const worker = startRole('queue-worker', {
      label: `${kind.name} worker`,
      env: {
        MODE: kind.mode,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        QUEUE: kind.queue,
        CONCURRENCY: '1',
      },
    });
    return {
      kind,
      worker,
      queues: new JobQueues({ connection: producer, prefix }),
      sentAt: new Map<string, number>(),
    };
  });
  try {
    for (const side of sides) await side.worker.waitFor('ready');
    for (let index = 0; index < WARM_UP + size.pickupSamples; index += 1) {
      for (const side of sides) {
        const data = resolveJobData();
        const before = wallClockMs();
        await side.queues.enqueue(side.kind.queue, data, { maxAttempts: 3 });
        if (index >= WARM_UP) side.sentAt.set(data.taskId, before);
        await sleep(size.pickupGapMs);
      }
    }
    const rows: PickupRow[] = [];
    for (const side of sides) {
      const queue = side.queues.queue(side.kind.queue);
      const total = WARM_UP + size.pickupSamples;
      await waitUntil(async () => (await queue.getCompletedCount()) >= total, `${side.kind.name} jobs`);
      const latencies: number[] = [];
      for (const [id, before] of side.sentAt) {
        const picked = ((await queue.getJob(id))?.returnvalue as { pickedAt?: number } | undefined)?.pickedAt;
        if (picked !== undefined) latencies.push(picked - before);
      }
      const interval = MODEL_FAMILIES[familyOfQueue(side.kind.queue)].idleBlockSeconds * 1000;
      rows.push({
        worker: side.kind.name,
        samples: latencies.length,
        p50Ms: round(percentile(latencies, 50), 3),
        p90Ms: round(percentile(latencies, 90), 3),
        p99Ms: round(percentile(latencies, 99), 3),
        maxMs: round(percentile(latencies, 100), 3),
        seedPollingP50Ms: interval * 0.5,
        seedPollingP99Ms: interval * 0.99,
      });
    }
    return rows;
  } finally {
    for (const side of sides) {
      peaks.add('(c)', { [side.worker.label]: await side.worker.stop() });
      for (const queue of side.queues.all()) await queue.obliterate({ force: true }).catch(() => {});
      await side.queues.close();
    }
    producer.disconnect();
  }
}
