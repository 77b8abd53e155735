/**
 * (a) Raw BullMQ add+process of no-op jobs against our queue layer (job-types resolve +
 * JobQueues.enqueue with the api's options + startGpuWorker), no HTTP, no database. Each side
 * has its own worker process and prefix on the same Redis. One untimed run each warms the JIT of
 * both processes; then runs alternate raw, ours, raw, ours… and each pair gives a ratio, so load
 * that drifts on the shared machine hits both sides of a pair alike. The median pair ratio is the
 * result. A third run per round, ours with the job data prepared once, splits a gap between the
 * per-job schema work (in the producer) and the enqueue options + worker wrapper.
 */
import { randomUUID } from 'node:crypto';
import { createRedis, JobQueues } from '@gpuq/queue';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import { Queue } from 'bullmq';
import type { BenchSize } from '../bench-size.js';
import { startRole } from '../util/child.js';
import type { PeakLog } from '../util/peaks.js';
import { median, ratio, round } from '../util/stats.js';
import { mapLimit, waitUntil } from '../util/wait.js';
import { resolveJobData } from './job-data.js';

export interface QueueLayerResult {
  rawJobsPerS: number[];
  oursJobsPerS: number[];
  rawMedian: number;
  oursMedian: number;
  /** Median over the runs of ours / raw of the same pair; target ≥ 0.8. */
  ratio: number;
  pairRatios: number[];
  /**
   * Where a gap comes from: ours with the job data prepared once (no per-job schema work), as a
   * ratio to raw; and the per-job cost of that schema work, timed alone in this process.
   */
  preparedJobsPerS: number[];
  preparedRatio: number;
  resolveMicrosPerJob: number;
}

export async function benchQueueLayer(size: BenchSize, peaks: PeakLog): Promise<QueueLayerResult> {
  const rawPrefix = uniqueQueuePrefix('bench-raw');
  const oursPrefix = uniqueQueuePrefix('bench-ours');
  const worker = (mode: string, prefix: string) =>
    startRole('queue-worker', {
      label: `${mode} worker`,
      env: {
        MODE: mode,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        QUEUE: 'sdxl_queue',
        CONCURRENCY: String(size.queueConcurrency),
      },
    });
  const workers = [worker('raw', rawPrefix), worker('gpuq', oursPrefix)];
  const producer = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'bench-producer' });
  const rawQueue = new Queue('sdxl_queue', { connection: producer, prefix: rawPrefix });
  const ours = new JobQueues({ connection: producer, prefix: oursPrefix });
  const oursQueue = ours.queue('sdxl_queue');
  // The raw side adds one prepared job again and again: BullMQ with nothing of ours around it.
  const rawData = resolveJobData();
  const sides = {
    raw: { queue: rawQueue, add: () => rawQueue.add('sdxl_image_fast', rawData) },
    // As queue-job does: resolve the request, then enqueue with the api's job options.
    ours: {
      queue: oursQueue,
      add: () => ours.enqueue('sdxl_queue', resolveJobData(), { maxAttempts: 3 }),
    },
    // Ours without the per-job resolve: only the job id changes (it is the task id).
    prepared: {
      queue: oursQueue,
      add: () => ours.enqueue('sdxl_queue', { ...rawData, taskId: randomUUID() }, { maxAttempts: 3 }),
    },
  };
  const result: QueueLayerResult = {
    rawJobsPerS: [],
    oursJobsPerS: [],
    rawMedian: 0,
    oursMedian: 0,
    ratio: 0,
    pairRatios: [],
    preparedJobsPerS: [],
    preparedRatio: 0,
    resolveMicrosPerJob: 0,
  };
  try {
    for (const child of workers) await child.waitFor('ready');
    const runOnce = async (name: keyof typeof sides, count: number) => {
      const side = sides[name];
      const started = performance.now();
      await mapLimit(Array.from({ length: count }), size.queueConcurrency, side.add);
      await waitUntil(async () => (await side.queue.getCompletedCount()) >= count, `${name} jobs`, {
        intervalMs: 5,
      });
      const jobsPerS = round(count / ((performance.now() - started) / 1000), 0);
      // Empty the completed set so the next run counts from zero.
      await side.queue.clean(0, 1_000_000, 'completed');
      return jobsPerS;
    };
    for (const name of ['raw', 'ours'] as const) await runOnce(name, Math.ceil(size.queueJobs / 4));
    for (let run = 0; run < size.queueRepeats; run += 1) {
      const raw = await runOnce('raw', size.queueJobs);
      const ours = await runOnce('ours', size.queueJobs);
      result.rawJobsPerS.push(raw);
      result.oursJobsPerS.push(ours);
      result.pairRatios.push(ratio(ours, raw));
      result.preparedJobsPerS.push(await runOnce('prepared', size.queueJobs));
    }
    const preparedRatios = result.preparedJobsPerS.map((value, index) =>
      ratio(value, result.rawJobsPerS[index]!),
    );
    result.preparedRatio = median(preparedRatios);
    const started = performance.now();
    for (let index = 0; index < size.queueJobs; index += 1) resolveJobData();
    result.resolveMicrosPerJob = round(((performance.now() - started) * 1000) / size.queueJobs, 1);
  } finally {
    const stopped: Record<string, number | null> = {};
    for (const child of workers) stopped[child.label] = await child.stop();
    peaks.add('(a)', stopped);
    await rawQueue.obliterate({ force: true }).catch(() => {});
    await oursQueue.obliterate({ force: true }).catch(() => {});
    await Promise.all([rawQueue.close(), ours.close()]);
    producer.disconnect();
  }
  result.rawMedian = median(result.rawJobsPerS);
  result.oursMedian = median(result.oursJobsPerS);
  result.ratio = median(result.pairRatios);
  return result;
}
