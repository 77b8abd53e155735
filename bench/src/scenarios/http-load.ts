/**
 * (d) queue-job on its own (no workers: the HTTP side only) against the hand-written enqueue and
 * a bare Hono hello route: first as fast as `connections` allow (requests/s), then all three at
 * the same fixed offered load (latency), twice: at an even pace (one request every 1/rate s) and
 * in autocannon's bursts (each second's share sent at once over all connections). Both stacks run
 * side by side, idle while the other is measured; users are warmed up first so every timed
 * request is a steady-state one.
 */
import type { BenchSize } from '../bench-size.js';
import { startGpuqStack } from '../stacks/gpuq-stack.js';
import { startHandwrittenStack } from '../stacks/handwritten-stack.js';
import { type LoadResult, runLoad } from '../util/load.js';
import { runPacedLoad } from '../util/paced-load.js';
import type { PeakLog } from '../util/peaks.js';
import { ratio } from '../util/stats.js';
import { REQUEST_BODY } from './job-data.js';

export interface HttpLoadResult {
  /** Closed loop over `connections`. */
  max: Record<Target, LoadResult>;
  /** Open loop at `rate` req/s, evenly paced (util/paced-load.ts). */
  paced: Record<Target, LoadResult>;
  /** Open loop at `rate` req/s in autocannon's once-a-second bursts. */
  atRate: Record<Target, LoadResult>;
  rate: number;
  /** queue-job p99 / hand-written p99 at the same evenly paced load; target ≤ 2. */
  pacedP99Ratio: number;
  /** The same in bursts: closer to the latency of `connections` requests at once. */
  p99Ratio: number;
}

export type Target = 'hello' | 'handwritten' | 'queueJob';

export async function benchHttpLoad(size: BenchSize, peaks: PeakLog): Promise<HttpLoadResult> {
  const options = { workers: 0, concurrency: 1 };
  const handwritten = await startHandwrittenStack(options);
  const ours = await startGpuqStack(size.users, options).catch(async (error) => {
    await handwritten.stop();
    throw error;
  });
  const body = JSON.stringify(REQUEST_BODY);
  const targets: Record<
    Target,
    { url: string; post: boolean; headersFor?: (n: number) => Record<string, string> }
  > = {
    hello: { url: handwritten.helloUrl, post: false },
    handwritten: { url: handwritten.enqueueUrl, post: true, headersFor: handwritten.headersFor },
    queueJob: { url: ours.enqueueUrl, post: true, headersFor: ours.headersFor },
  };
  // What a request to `target` is, whatever the load's shape.
  const requests = (target: Target) => ({
    url: targets[target].url,
    method: targets[target].post ? ('POST' as const) : ('GET' as const),
    body: targets[target].post ? body : undefined,
    headersFor: targets[target].headersFor,
    connections: size.connections,
  });
  const load = (target: Target, shape: { amount?: number; rate?: number; durationS?: number }) =>
    runLoad({ ...requests(target), ...shape });
  try {
    for (const target of ['handwritten', 'queueJob'] as const) await load(target, { amount: size.users });
    const max = {} as Record<Target, LoadResult>;
    const atRate = {} as Record<Target, LoadResult>;
    for (const target of ['hello', 'handwritten', 'queueJob'] as const) {
      max[target] = await load(target, { amount: size.httpRequests });
    }
    const paced = {} as Record<Target, LoadResult>;
    for (const target of ['hello', 'handwritten', 'queueJob'] as const) {
      paced[target] = await runPacedLoad({
        ...requests(target),
        rate: size.rate,
        durationS: size.pacedDurationS,
      });
    }
    for (const target of ['hello', 'handwritten', 'queueJob'] as const) {
      atRate[target] = await load(target, { rate: size.rate, durationS: size.rateDurationS });
    }
    return {
      max,
      paced,
      atRate,
      rate: size.rate,
      pacedP99Ratio: ratio(paced.queueJob.p99Ms, paced.handwritten.p99Ms),
      p99Ratio: ratio(atRate.queueJob.p99Ms, atRate.handwritten.p99Ms),
    };
  } finally {
    peaks.add('(d)', await handwritten.stop());
    peaks.add('(d)', await ours.stop());
  }
}
