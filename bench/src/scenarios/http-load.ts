/**
 * (d) queue-job on its own (no workers: the HTTP side only) against two hand-written enqueues
 * and a bare Hono hello route: first as fast as `connections` allow (requests/s, and the CPU
 * each process spends per request), then all at the same fixed offered load (latency), twice: at
 * an even pace (one request every 1/rate s) and in autocannon's bursts (each second's share sent
 * at once over all connections). The hand-written enqueues are (b)'s two yardsticks: the bare one
 * (one transaction on a table of its own, then the add) and the one writing the records
 * queue-job writes (the credit charge and its ledger row, the task on our schema, then the add):
 * against the first, (d) prices our code and our records together; against the second, our code
 * alone. All stacks run side by side, idle while another is measured. Users are warmed up first,
 * and a closed loop's worth of requests per route is sent untimed, so the JIT's compilation falls
 * in no measured window. Each open-loop shape runs in rounds, the hand-written enqueues and
 * queue-job back to back, and each ratio is the median of the rounds' ratios, as (a) and (b) do:
 * a p99 is the few slowest requests of a window, and one window's stall on a shared machine would
 * otherwise decide the result.
 */
import type { BenchSize } from '../bench-size.js';
import { startGpuqStack } from '../stacks/gpuq-stack.js';
import { startHandwrittenStack } from '../stacks/handwritten-stack.js';
import { cpuDuring, msEach } from '../util/cpu-window.js';
import { type LoadResult, runLoad } from '../util/load.js';
import { runPacedLoad } from '../util/paced-load.js';
import type { PeakLog } from '../util/peaks.js';
import { median, ratio } from '../util/stats.js';
import { REQUEST_BODY } from './job-data.js';

export interface HttpLoadResult {
  /** Closed loop over `connections`. */
  max: Record<Target, LoadResult>;
  /** CPU ms per request of the closed loop by part (api, postgres, redis, load generator, all). */
  maxCpuMsPerRequest: Record<RoundTarget, Record<string, number>>;
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
  /** The two above against the hand-written enqueue writing the same records. */
  pacedRecordsP99Ratio: number;
  recordsP99Ratio: number;
}

/** One round of an open-loop shape: the two hand-written enqueues, then queue-job. */
export interface LoadRound {
  handwritten: LoadResult;
  records: LoadResult;
  queueJob: LoadResult;
  /** queue-job p99 / hand-written p99. */
  p99Ratio: number;
  /** queue-job p99 / same-records p99. */
  recordsP99Ratio: number;
}

export type Target = 'hello' | 'handwritten' | 'records' | 'queueJob';

/** The targets measured in rounds, in the order a round runs them. */
const ROUND_TARGETS = ['handwritten', 'records', 'queueJob'] as const;
type RoundTarget = (typeof ROUND_TARGETS)[number];

export async function benchHttpLoad(size: BenchSize, peaks: PeakLog): Promise<HttpLoadResult> {
  const options = { workers: 0, concurrency: 1 };
  const handwritten = await startHandwrittenStack(options);
  const records = await startHandwrittenStack({ ...options, kind: 'records', users: size.users }).catch(
    async (error) => {
      await handwritten.stop();
      throw error;
    },
  );
  const ours = await startGpuqStack(size.users, options).catch(async (error) => {
    await Promise.all([handwritten.stop(), records.stop()]);
    throw error;
  });
  const body = JSON.stringify(REQUEST_BODY);
  const targets: Record<
    Target,
    { url: string; post: boolean; headersFor?: (n: number) => Record<string, string> }
  > = {
    hello: { url: handwritten.helloUrl, post: false },
    handwritten: { url: handwritten.enqueueUrl, post: true, headersFor: handwritten.headersFor },
    records: { url: records.enqueueUrl, post: true, headersFor: records.headersFor },
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
    // A request per user (their profile and project), then a closed loop's worth untimed: the
    // JIT's compilation belongs to no measured window.
    for (const target of ROUND_TARGETS) await load(target, { amount: size.users });
    for (const target of ROUND_TARGETS) await load(target, { amount: size.httpRequests });
    const stacks = { handwritten, records, queueJob: ours };
    const max = { hello: await load('hello', { amount: size.httpRequests }) } as Record<Target, LoadResult>;
    const maxCpuMsPerRequest = {} as Record<RoundTarget, Record<string, number>>;
    for (const target of ROUND_TARGETS) {
      const { value, spent } = await cpuDuring(stacks[target], () =>
        load(target, { amount: size.httpRequests }),
      );
      max[target] = value;
      maxCpuMsPerRequest[target] = msEach(spent, value.ok);
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
      maxCpuMsPerRequest,
      paced: { hello: pacedHello, ...medianRound(pacedRounds, 'p99Ratio') },
      pacedRounds,
      atRate: { hello: burstHello, ...medianRound(atRateRounds, 'p99Ratio') },
      atRateRounds,
      rate: size.rate,
      pacedP99Ratio: median(pacedRounds.map((round) => round.p99Ratio)),
      p99Ratio: median(atRateRounds.map((round) => round.p99Ratio)),
      pacedRecordsP99Ratio: median(pacedRounds.map((round) => round.recordsP99Ratio)),
      recordsP99Ratio: median(atRateRounds.map((round) => round.recordsP99Ratio)),
    };
  } finally {
    peaks.add('(d)', await handwritten.stop());
    peaks.add('(d)', await records.stop());
    peaks.add('(d)', await ours.stop());
  }
}

async function inRounds(rounds: number, run: (target: Target) => Promise<LoadResult>): Promise<LoadRound[]> {
  const results: LoadRound[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const handwritten = await run('handwritten');
    const records = await run('records');
    const queueJob = await run('queueJob');
    results.push({
      handwritten,
      records,
      queueJob,
      p99Ratio: ratio(queueJob.p99Ms, handwritten.p99Ms),
      recordsP99Ratio: ratio(queueJob.p99Ms, records.p99Ms),
    });
  }
  return results;
}

/** The round whose `by` ratio is the median (the upper middle one of an even count). */
export function medianRound(
  rounds: readonly LoadRound[],
  by: 'p99Ratio' | 'recordsP99Ratio',
): Omit<LoadRound, 'p99Ratio' | 'recordsP99Ratio'> {
  const sorted = [...rounds].sort((a, b) => a[by] - b[by]);
  const { handwritten, records, queueJob } = sorted[Math.floor(sorted.length / 2)]!;
  return { handwritten, records, queueJob };
}
