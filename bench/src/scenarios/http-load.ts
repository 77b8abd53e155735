/**
 * (d) queue-job on its own (no workers: the HTTP side only) against the hand-written enqueue and
 * a bare Hono hello route: first as fast as `connections` allow (requests/s), then all three at
 * the same fixed offered load (latency), twice: at an even pace (one request every 1/rate s) and
 * in autocannon's bursts (each second's share sent at once over all connections). Both stacks run
 * side by side, idle while the other is measured; users are warmed up first so every timed
 * request is a steady-state one. Each open-loop shape runs in rounds, the hand-written enqueue and
 * queue-job back to back, and its ratio is the median of the rounds' ratios, as (a) and (b) do: a
 * p99 is the few slowest requests of a window, and one window's stall on a shared machine would
 * otherwise decide the result.
 */
import type { BenchSize } from '../bench-size.js';
import { startGpuqStack } from '../stacks/gpuq-stack.js';
import { startHandwrittenStack } from '../stacks/handwritten-stack.js';
import { type LoadResult, runLoad } from '../util/load.js';
import { runPacedLoad } from '../util/paced-load.js';
import type { PeakLog } from '../util/peaks.js';
import { median, ratio } from '../util/stats.js';
import { REQUEST_BODY } from './job-data.js';

export interface HttpLoadResult {
  /** Closed loop over `connections`. */
  max: Record<Target, LoadResult>;
  /** Open loop at `rate` req/s, evenly paced (util/paced-load.ts): the hello floor and the median round. */
  paced: Record<Target, LoadResult>;
  pacedRounds: LoadRound[];
  /** Open loop at `rate` req/s in autocannon's once-a-second bursts: the hello floor and the median round. */
  atRate: Record<Target, LoadResult>;
  atRateRounds: LoadRound[];
  rate: number;
  /** Median over the rounds of queue-job p99 / hand-written p99 at an even pace; target ≤ 2. */
  pacedP99Ratio: number;
  /** The same in bursts: closer to the latency of `connections` requests at once. */
  p99Ratio: number;
}

/** One round of an open-loop shape: the hand-written enqueue, then queue-job. */
export interface LoadRound {
  handwritten: LoadResult;
  queueJob: LoadResult;
  /** queue-job p99 / hand-written p99. */
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
    for (const target of ['hello', 'handwritten', 'queueJob'] as const) {
      max[target] = await load(target, { amount: size.httpRequests });
    }
    const pacedLoad = (target: Target) =>
      runPacedLoad({ ...requests(target), rate: size.rate, durationS: size.pacedDurationS });
    const burstLoad = (target: Target) => load(target, { rate: size.rate, durationS: size.rateDurationS });
    const pacedHello = await pacedLoad('hello');
    const pacedRounds = await inRounds(size.httpRounds, pacedLoad);
    const burstHello = await burstLoad('hello');
    const atRateRounds = await inRounds(size.httpRounds, burstLoad);
    return {
      max,
      paced: { hello: pacedHello, ...medianRound(pacedRounds) },
      pacedRounds,
      atRate: { hello: burstHello, ...medianRound(atRateRounds) },
      atRateRounds,
      rate: size.rate,
      pacedP99Ratio: median(pacedRounds.map((round) => round.p99Ratio)),
      p99Ratio: median(atRateRounds.map((round) => round.p99Ratio)),
    };
  } finally {
    peaks.add('(d)', await handwritten.stop());
    peaks.add('(d)', await ours.stop());
  }
}

async function inRounds(rounds: number, run: (target: Target) => Promise<LoadResult>): Promise<LoadRound[]> {
  const results: LoadRound[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const handwritten = await run('handwritten');
    const queueJob = await run('queueJob');
    results.push({ handwritten, queueJob, p99Ratio: ratio(queueJob.p99Ms, handwritten.p99Ms) });
  }
  return results;
}

/** The round whose ratio is the median (the upper middle one of an even count). */
function medianRound(rounds: readonly LoadRound[]): { handwritten: LoadResult; queueJob: LoadResult } {
  const sorted = [...rounds].sort((a, b) => a.p99Ratio - b.p99Ratio);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  return { handwritten: middle.handwritten, queueJob: middle.queueJob };
}
