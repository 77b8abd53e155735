/**
 * The capacity model's evidence (docs/SCALING.md): the real stack (queue-api, Postgres, a private
 * Redis so its counters are ours alone) driven by simulated GPUs.
 * 1. Per job: no-op workers, `calibrationJobs` queue-job requests end to end → each resource per job.
 * 2. Per progress callback: simulated GPUs running only video_high (49 progress callbacks a
 *    job) for `windowS` → what is left after the jobs' share, per callback.
 * Each is done once untimed before it is measured, so that V8's compilation of the code it runs
 * is not counted as the cost of a job or a callback.
 * 3. The check: the catalog mix on `sdxlSlots` + `wanSlots` simulated GPUs at `timeScale`,
 *    jobs submitted at the rate the model says that fleet completes. The model predicts jobs/s,
 *    requests/s and each resource per second from 1 and 2; the run measures them.
 */
import { JobType } from '@gpuq/job-types';
import { type PrivateRedis, startPrivateRedis } from '@gpuq/testing';
import { Redis } from 'ioredis';
import type { SimulationSize } from '../bench-size.js';
import {
  CATALOG_MIX,
  demandAt,
  type FleetDemand,
  jobMix,
  UNIT_KEYS,
  type UnitCost,
} from '../sim/capacity-model.js';
import { delta, type MeterWindow, snapshot } from '../sim/resource-meter.js';
import { simulatedMs } from '../sim-model.js';
import { type GpuqStack, startGpuqStack } from '../stacks/gpuq-stack.js';
import { runLoad } from '../util/load.js';
import type { PeakLog } from '../util/peaks.js';
import { round } from '../util/stats.js';
import { sleep, waitUntil } from '../util/wait.js';
import { warmUp } from './full-path.js';
import { REQUEST_BODY } from './job-data.js';

export interface FleetSimulationResult {
  size: SimulationSize;
  costs: { job: UnitCost; progress: UnitCost };
  /** The check: predicted and measured per second. */
  predicted: FleetDemand;
  measured: FleetDemand;
  /** measured / predicted per quantity. */
  ratios: Record<string, number>;
  /**
   * measured / the cost model at the measured job and callback rates: how well the unit costs
   * explain the resources, apart from how well the fleet's throughput was predicted.
   */
  costRatios: Record<string, number>;
  /** The check's requests by route, per second. */
  requestsPerS: Record<string, number>;
}

async function withPrivateRedis<T>(work: (redis: PrivateRedis, client: Redis) => Promise<T>): Promise<T> {
  const server = await startPrivateRedis();
  const client = new Redis(server.url);
  try {
    return await work(server, client);
  } finally {
    client.disconnect();
    await server.destroy();
  }
}

function meter(stack: GpuqStack, redis: Redis) {
  return () => snapshot({ ...stack, redis });
}

const totalRequests = (window: MeterWindow) => Object.values(window.requests).reduce((sum, n) => sum + n, 0);

function perUnit(window: MeterWindow, pgStatements: number, units: number): UnitCost {
  const requests = totalRequests(window);
  return {
    apiCpuS: window.cpuS['queue-api']! / units,
    postgresCpuS: window.cpuS.postgres! / units,
    redisCpuS: window.redis.cpuS / units,
    pgStatements: pgStatements / units,
    redisCommands: window.redis.commands / units,
    redisBytes: (window.redis.bytesIn + window.redis.bytesOut) / units,
    httpRequests: requests / units,
  };
}

/**
 * Jobs claimed and finished between two database clock readings, and the work done in between
 * in jobs: each job's share of its run (claim to completion, at least its simulated duration)
 * that fell in the window. A short window after the fleet started all at once holds few
 * finishes; the work done is the steady rate either way.
 */
async function jobEvents(stack: GpuqStack, from: Date, to: Date, timeScale: number) {
  const types = JobType.options;
  const { rows } = await stack.pool.query<{ started: number; finished: number; work: number }>(
    `select count(*) filter (where generation_started_at between $1 and $2)::int as started,
            count(*) filter (where generation_processed_at between $1 and $2)::int as finished,
            coalesce(sum(greatest(0, extract(epoch from least(coalesce(t.generation_processed_at, $2), $2)
                                                   - greatest(t.generation_started_at, $1)))
                         / greatest(d.seconds, extract(epoch from coalesce(t.generation_processed_at, $2)
                                                             - t.generation_started_at))), 0)::float8 as work
       from public.tasks t
       join unnest($3::text[], $4::float8[]) as d(task_type, seconds) on d.task_type = t.task_type
      where t.generation_started_at is not null`,
    [from, to, types, types.map((type) => simulatedMs(type, timeScale) / 1_000)],
  );
  return rows[0]!;
}

const dbNow = async (stack: GpuqStack) =>
  (await stack.pool.query<{ now: Date }>('select clock_timestamp() as now')).rows[0]!.now;

/** One queue-job request; a 503 is retried after a pause, as its Retry-After asks of a client. */
async function submit(stack: GpuqStack, jobType: JobType, n: number): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(stack.enqueueUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...stack.headersFor(n) },
      body: JSON.stringify({ ...REQUEST_BODY, jobType }),
    });
    if (response.ok) return;
    const text = await response.text();
    if (response.status !== 503 || attempt === 5)
      throw new Error(`queue-job ${jobType}: HTTP ${response.status} ${text}`);
    await sleep(500);
  }
}

async function calibrateJobs(size: SimulationSize, peaks: PeakLog): Promise<UnitCost> {
  return withPrivateRedis(async (server, redis) => {
    const stack = await startGpuqStack(size.users, {
      workers: 0,
      concurrency: 1,
      countIo: true,
      redisUrl: server.url,
      workerRoles: [1, 2].map((n) => ({
        role: 'noop-worker',
        label: `noop-worker ${n}`,
        env: { WORKER_CONCURRENCY: '8' },
      })),
    });
    try {
      const benchSize = { users: size.users, connections: Math.min(16, size.users) };
      await warmUp(stack, benchSize as Parameters<typeof warmUp>[1]);
      const read = meter(stack, redis);
      const jobsEndToEnd = async () => {
        const target = (await stack.completed()) + size.calibrationJobs;
        await runLoad({
          url: stack.enqueueUrl,
          method: 'POST',
          body: JSON.stringify(REQUEST_BODY),
          headersFor: stack.headersFor,
          connections: Math.min(16, size.calibrationJobs),
          amount: size.calibrationJobs,
        });
        await waitUntil(async () => (await stack.completed()) >= target, 'calibration jobs', {
          intervalMs: 20,
        });
      };
      // Once untimed: a process's first few hundred requests also pay for V8 compiling their
      // code, which a long-running api has long done (it made the per-job costs too high).
      await jobsEndToEnd();
      await stack.ioCounts();
      const before = await read();
      await jobsEndToEnd();
      const after = await read();
      const io = await stack.ioCounts();
      return perUnit(delta(before, after), io['queue-api']?.pg ?? 0, size.calibrationJobs);
    } finally {
      peaks.add('simulation: per job', await stack.stop());
    }
  });
}

export async function benchFleetSimulation(
  size: SimulationSize,
  peaks: PeakLog,
): Promise<FleetSimulationResult> {
  const job = await calibrateJobs(size, peaks);
  return withPrivateRedis(async (server, redis) => {
    const simEnv = { SIM_TIME_SCALE: String(size.timeScale) };
    const stack = await startGpuqStack(size.users, {
      workers: 0,
      concurrency: 1,
      countIo: true,
      redisUrl: server.url,
      workerRoles: [
        {
          role: 'sim-worker',
          label: 'sim sdxl',
          env: { ...simEnv, SIM_QUEUE: 'sdxl_queue', WORKER_CONCURRENCY: String(size.sdxlSlots) },
        },
        {
          role: 'sim-worker',
          label: 'sim wan',
          env: { ...simEnv, SIM_QUEUE: 'wan_queue', WORKER_CONCURRENCY: String(size.wanSlots) },
        },
      ],
    });
    try {
      for (let n = 0; n < size.users; n += 1) await submit(stack, 'sdxl_image_fast', n);
      await waitUntil(async () => (await stack.completed()) >= size.users, 'warm-up jobs');
      const read = meter(stack, redis);

      // 2. Progress: every wan slot busy with video_high for the whole window. One round of them
      // untimed first, so that the callbacks' code is compiled before it is measured.
      for (let n = 0; n < size.wanSlots; n += 1) await submit(stack, 'video_high', n);
      await waitUntil(async () => (await stack.completed()) >= size.users + size.wanSlots, 'warm-up videos', {
        timeoutMs: 120_000,
        intervalMs: 200,
      });
      for (let n = 0; n < 2 * size.wanSlots; n += 1) await submit(stack, 'video_high', n);
      await sleep(1_000);
      await stack.ioCounts();
      let [from, before] = [await dbNow(stack), await read()];
      await sleep(size.windowS * 1_000);
      let [to, after] = [await dbNow(stack), await read()];
      let io = await stack.ioCounts();
      let events = await jobEvents(stack, from, to, size.timeScale);
      let window = delta(before, after);
      // The api's metrics label queue-job and callbacks alike (`/functions/v1/*`); none was submitted
      // in this window, so every request was a callback.
      const callbacks = totalRequests(window);
      const progressCount = Math.max(1, callbacks - events.started - events.finished);
      const jobShare = (events.started + events.finished) / 2;
      const measuredB = perUnit(window, io['queue-api']?.pg ?? 0, 1);
      const progress = Object.fromEntries(
        UNIT_KEYS.map((key) => [key, Math.max(0, measuredB[key] - jobShare * job[key]) / progressCount]),
      ) as unknown as UnitCost;
      const costs = { job, progress };
      // Drain: video_high takes 280 s / timeScale.
      await waitUntil(
        async () => {
          const { rows } = await stack.pool.query<{ n: number }>(
            `select count(*)::int as n from public.tasks where status not in ('Complete', 'Failed', 'Cancelled')`,
          );
          return rows[0]!.n === 0;
        },
        'video_high jobs drained',
        { timeoutMs: 120_000, intervalMs: 200 },
      );

      // 3. The check: the catalog mix at the rate the wan slots complete it.
      const wanTypes = JobType.options.filter((type) => !type.startsWith('sdxl'));
      const wanMix = jobMix(Object.fromEntries(wanTypes.map((type) => [type, 1])));
      const jobsPerS =
        (size.wanSlots * size.timeScale) / wanMix.meanSeconds / (wanTypes.length / JobType.options.length);
      const predicted = demandAt(jobsPerS, CATALOG_MIX, costs);
      const types = JobType.options;
      let sent = 0;
      const send = () => submit(stack, types[sent % types.length]!, sent++);
      // A backlog one job deep per slot, then arrivals at the predicted completion rate.
      while (sent < 1.2 * (size.wanSlots + size.sdxlSlots) * (types.length / wanTypes.length)) await send();
      const submitting = (async () => {
        const startedAt = performance.now();
        const firstSent = sent;
        const stopAt = startedAt + (size.windowS * 2 + 4) * 1_000;
        while (performance.now() < stopAt) {
          const due = firstSent + Math.floor(((performance.now() - startedAt) / 1_000) * jobsPerS);
          while (sent < due) await send();
          await sleep(20);
        }
      })();
      await sleep(4_000);
      await stack.ioCounts();
      const sentBefore = sent;
      [from, before] = [await dbNow(stack), await read()];
      await sleep(size.windowS * 2 * 1_000);
      [to, after] = [await dbNow(stack), await read()];
      const submitted = sent - sentBefore;
      io = await stack.ioCounts();
      events = await jobEvents(stack, from, to, size.timeScale);
      window = delta(before, after);
      await submitting;
      const unit = perUnit(window, io['queue-api']?.pg ?? 0, window.seconds);
      const measuredCallbacks = (totalRequests(window) - submitted) / window.seconds;
      const measured: FleetDemand = {
        gpus: size.sdxlSlots + size.wanSlots,
        jobsPerS: events.work / window.seconds,
        progressPerS: measuredCallbacks - (events.started + events.finished) / window.seconds,
        perS: unit,
      };
      const ratios: Record<string, number> = { jobsPerS: round(measured.jobsPerS / predicted.jobsPerS, 2) };
      ratios.progressPerS = round(measured.progressPerS / predicted.progressPerS, 2);
      for (const key of UNIT_KEYS) ratios[key] = round(measured.perS[key] / predicted.perS[key], 2);
      const requestsPerS = Object.fromEntries(
        Object.entries(window.requests).map(([route, n]) => [route, round(n / window.seconds, 2)]),
      );
      const costRatios: Record<string, number> = {};
      for (const key of UNIT_KEYS) {
        const modelled = measured.jobsPerS * costs.job[key] + measured.progressPerS * costs.progress[key];
        costRatios[key] = round(measured.perS[key] / modelled, 2);
      }
      return { size, costs, predicted, measured, ratios, costRatios, requestsPerS };
    } finally {
      peaks.add('simulation: fleet', await stack.stop());
    }
  });
}
