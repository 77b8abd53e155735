/**
 * (b) Jobs per second end to end: queue-job over HTTP → Redis → worker with the no-op engine →
 * signed callbacks → Postgres, against the hand-written path doing the same I/O. Each stack first
 * takes one request per user untimed (first sight of a user creates their profile and project),
 * then `fullJobs` requests over `connections`; the clock stops when Postgres holds every job
 * finished. Stage timings come from the database's own timestamps.
 */
import type { BenchSize } from '../bench-size.js';
import { type RunningStack, startGpuqStack } from '../stacks/gpuq-stack.js';
import { startHandwrittenStack } from '../stacks/handwritten-stack.js';
import { type LoadResult, runLoad } from '../util/load.js';
import type { PeakLog } from '../util/peaks.js';
import { percentile, ratio, round } from '../util/stats.js';
import { waitUntil } from '../util/wait.js';
import { REQUEST_BODY } from './job-data.js';

export interface PathRun {
  jobsPerS: number;
  http: LoadResult;
  /** Stage name → p50 / p99 ms over the run's jobs. */
  stages: Record<string, { p50Ms: number; p99Ms: number }>;
}

export interface FullPathResult {
  handwritten: PathRun;
  ours: PathRun;
  /** ours / hand-written jobs per second; target ≥ 0.5. */
  ratio: number;
}

const BODY = JSON.stringify(REQUEST_BODY);

/** Warm-up, then the timed run, on a started stack. */
export async function driveStack(stack: RunningStack, size: BenchSize): Promise<PathRun> {
  const load = (amount: number) =>
    runLoad({
      url: stack.enqueueUrl,
      method: 'POST',
      body: BODY,
      headersFor: stack.headersFor,
      connections: size.connections,
      amount,
    });
  await load(size.users);
  await waitUntil(async () => (await stack.completed()) >= size.users, 'warm-up jobs');
  const started = performance.now();
  const http = await load(size.fullJobs);
  if (http.ok !== size.fullJobs) {
    throw new Error(
      `${size.fullJobs - http.ok} requests failed (non-2xx ${http.non2xx}, errors ${http.errors})`,
    );
  }
  const target = size.users + size.fullJobs;
  await waitUntil(async () => (await stack.completed()) >= target, 'jobs finished end to end', {
    intervalMs: 10,
  });
  const seconds = (performance.now() - started) / 1000;
  const stages: PathRun['stages'] = {};
  for (const [name, samples] of Object.entries(await stack.stages())) {
    stages[name] = { p50Ms: round(percentile(samples, 50), 1), p99Ms: round(percentile(samples, 99), 1) };
  }
  return { jobsPerS: round(size.fullJobs / seconds, 1), http, stages };
}

export async function benchFullPath(size: BenchSize, peaks: PeakLog): Promise<FullPathResult> {
  const stackOptions = { workers: size.workers, concurrency: size.workerConcurrency };
  const handwrittenStack = await startHandwrittenStack(stackOptions);
  let handwritten: PathRun;
  try {
    handwritten = await driveStack(handwrittenStack, size);
  } finally {
    peaks.add('(b)', await handwrittenStack.stop());
  }
  const oursStack = await startGpuqStack(size.users, stackOptions);
  let ours: PathRun;
  try {
    ours = await driveStack(oursStack, size);
  } finally {
    peaks.add('(b)', await oursStack.stop());
  }
  return { handwritten, ours, ratio: ratio(ours.jobsPerS, handwritten.jobsPerS) };
}
