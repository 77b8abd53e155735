/**
 * (b) Jobs per second end to end: queue-job over HTTP → Redis → worker with the no-op engine →
 * signed callbacks → Postgres, against two hand-written paths (stacks/handwritten-stack.ts): a bare
 * one, and one writing the records ours writes. The stacks run side by side (the idle ones block
 * in Redis); each first takes three requests per user untimed (first sight of a user creates their
 * profile and project; the rest warms the JIT), then timed runs go in rounds (bare, same records,
 * ours) of `fullJobs` requests over `connections`, and each round gives a ratio (drifting
 * background load hits all alike). A run's
 * clock stops when Postgres holds every job finished (polled while the load is still going).
 * Stage timings come from the database's own timestamps.
 */
import type { BenchSize } from '../bench-size.js';
import { type RunningStack, startGpuqStack } from '../stacks/gpuq-stack.js';
import { startHandwrittenStack } from '../stacks/handwritten-stack.js';
import type { IoCounts } from '../util/child.js';
import { addCpu, cpuDuring, msEach } from '../util/cpu-window.js';
import { type LoadResult, runLoad } from '../util/load.js';
import type { PeakLog } from '../util/peaks.js';
import { median, percentile, ratio, round } from '../util/stats.js';
import { waitUntil } from '../util/wait.js';
import { REQUEST_BODY } from './job-data.js';

export interface PathRun {
  /** Per timed run, and their median. */
  jobsPerSRuns: number[];
  jobsPerS: number;
  /** The load generator's view of the last run. */
  http: LoadResult;
  /** Process → Postgres statements and Redis commands per job, over the timed runs. */
  ioPerJob: Record<string, IoCounts>;
  /** Stage name → p50 / p99 ms over every job of the stack. */
  stages: Record<string, { p50Ms: number; p99Ms: number }>;
  /**
   * CPU ms per job over the timed runs: the stack's `api` and `workers` processes, its database's
   * backends (`postgres`), the shared Redis server (`redis`), the load generator (this process),
   * and `all`.
   */
  cpuMsPerJob: Record<string, number>;
}

export interface FullPathResult {
  handwritten: PathRun;
  /** The hand-written path writing the records ours writes (stacks/handwritten-stack.ts). */
  records: PathRun;
  ours: PathRun;
  /** Median over the rounds of ours / hand-written jobs per second; target ≥ 0.5. */
  ratio: number;
  pairRatios: number[];
  /** The same against the hand-written same-records path: what our code costs beyond its records. */
  recordsRatio: number;
  recordsPairRatios: number[];
}

const PATHS = ['handwritten', 'records', 'ours'] as const;
type PathName = (typeof PATHS)[number];

const BODY = JSON.stringify(REQUEST_BODY);

function load(stack: RunningStack, size: BenchSize, amount: number): Promise<LoadResult> {
  return runLoad({
    url: stack.enqueueUrl,
    method: 'POST',
    body: BODY,
    headersFor: stack.headersFor,
    connections: size.connections,
    amount,
  });
}

/** Three requests per user, untimed, and wait for those jobs to finish. */
export async function warmUp(stack: RunningStack, size: BenchSize): Promise<void> {
  await load(stack, size, size.users);
  await load(stack, size, 2 * size.users);
  await waitUntil(async () => (await stack.completed()) >= 3 * size.users, 'warm-up jobs');
}

/** One timed run: `fullJobs` requests, done when Postgres records all of them finished. */
export async function timedRun(
  stack: RunningStack,
  size: BenchSize,
): Promise<{ jobsPerS: number; http: LoadResult }> {
  const target = (await stack.completed()) + size.fullJobs;
  const started = performance.now();
  const loading = load(stack, size, size.fullJobs);
  let failed: unknown;
  loading.catch((error: unknown) => {
    failed = error;
  });
  await waitUntil(
    async () => {
      if (failed) throw failed;
      return (await stack.completed()) >= target;
    },
    'jobs finished end to end',
    { intervalMs: 10 },
  );
  const seconds = (performance.now() - started) / 1000;
  const http = await loading;
  if (http.ok !== size.fullJobs) {
    throw new Error(
      `${size.fullJobs - http.ok} requests failed (non-2xx ${http.non2xx}, errors ${http.errors})`,
    );
  }
  return { jobsPerS: round(size.fullJobs / seconds, 1), http };
}

async function stagesOf(stack: RunningStack): Promise<PathRun['stages']> {
  const stages: PathRun['stages'] = {};
  for (const [name, samples] of Object.entries(await stack.stages())) {
    stages[name] = { p50Ms: round(percentile(samples, 50), 1), p99Ms: round(percentile(samples, 99), 1) };
  }
  return stages;
}

async function startStacks(size: BenchSize): Promise<Record<PathName, RunningStack>> {
  const options = { workers: size.workers, concurrency: size.workerConcurrency, countIo: true };
  const started: RunningStack[] = [];
  try {
    const handwritten = await startHandwrittenStack(options);
    started.push(handwritten);
    const records = await startHandwrittenStack({ ...options, kind: 'records', users: size.users });
    started.push(records);
    const ours = await startGpuqStack(size.users, options);
    return { handwritten, records, ours };
  } catch (error) {
    await Promise.all(started.map((stack) => stack.stop()));
    throw error;
  }
}

export async function benchFullPath(size: BenchSize, peaks: PeakLog): Promise<FullPathResult> {
  const stacks = await startStacks(size);
  try {
    const runs = { handwritten: [], records: [], ours: [] } as Record<PathName, number[]>;
    const last = {} as Record<PathName, LoadResult>;
    const io = { handwritten: {}, records: {}, ours: {} } as Record<PathName, Record<string, IoCounts>>;
    const cpu = { handwritten: {}, records: {}, ours: {} } as Record<PathName, Record<string, number>>;
    for (const name of PATHS) {
      await warmUp(stacks[name], size);
      await stacks[name].ioCounts();
    }
    for (let repeat = 0; repeat < size.fullRepeats; repeat += 1) {
      for (const name of PATHS) {
        const { value: run, spent } = await cpuDuring(stacks[name], () => timedRun(stacks[name], size));
        addCpu(cpu[name], spent);
        // Only the timed runs: the other stacks idle meanwhile, and warm-up was read off above.
        for (const [label, counts] of Object.entries(await stacks[name].ioCounts())) {
          const sum = io[name][label] ?? { pg: 0, redis: 0 };
          io[name][label] = { pg: sum.pg + counts.pg, redis: sum.redis + counts.redis };
        }
        runs[name].push(run.jobsPerS);
        last[name] = run.http;
      }
    }
    const result = async (name: PathName): Promise<PathRun> => ({
      jobsPerSRuns: runs[name],
      jobsPerS: median(runs[name]),
      http: last[name],
      ioPerJob: perJob(io[name], size.fullJobs * size.fullRepeats),
      stages: await stagesOf(stacks[name]),
      cpuMsPerJob: msEach(cpu[name], size.fullJobs * size.fullRepeats),
    });
    const against = (baseline: PathName) =>
      runs.ours.map((value, index) => ratio(value, runs[baseline][index]!));
    const pairRatios = against('handwritten');
    const recordsPairRatios = against('records');
    return {
      handwritten: await result('handwritten'),
      records: await result('records'),
      ours: await result('ours'),
      ratio: median(pairRatios),
      pairRatios,
      recordsRatio: median(recordsPairRatios),
      recordsPairRatios,
    };
  } finally {
    for (const name of PATHS) peaks.add('(b)', await stacks[name].stop());
  }
}

/** Totals over `jobs` jobs → per job, with an `all processes` row. */
function perJob(totals: Record<string, IoCounts>, jobs: number): Record<string, IoCounts> {
  const rows: Record<string, IoCounts> = {};
  const all = { pg: 0, redis: 0 };
  for (const [label, counts] of Object.entries(totals)) {
    rows[label] = { pg: round(counts.pg / jobs, 2), redis: round(counts.redis / jobs, 2) };
    all.pg += counts.pg;
    all.redis += counts.redis;
  }
  rows['all processes'] = { pg: round(all.pg / jobs, 2), redis: round(all.redis / jobs, 2) };
  return rows;
}
