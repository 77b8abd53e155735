/**
 * One bench run: every scenario in turn on the same Redis and Postgres, each bounded by `size`,
 * collected into one report. Scenarios run one after another, never together, so each has the
 * machine's two cores to itself (apart from whatever else the machine is doing, which is why
 * the report compares ratios within a run rather than absolute numbers).
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchSize } from './bench-size.js';
import { benchEngineSteps, type EngineResult } from './scenarios/engine-steps.js';
import { benchFleetSimulation, type FleetSimulationResult } from './scenarios/fleet-simulation.js';
import { benchFullPath, type FullPathResult } from './scenarios/full-path.js';
import { benchHttpLoad, type HttpLoadResult } from './scenarios/http-load.js';
import { benchPickupLatency, type PickupRow } from './scenarios/pickup-latency.js';
import { type ProfileResult, profileFullPath } from './scenarios/profile-full-path.js';
import { benchQueueJobStages, type QueueJobStagesResult } from './scenarios/queue-job-stages.js';
import { benchQueueLayer, type QueueLayerResult } from './scenarios/queue-layer.js';
import { ownPeakRssMiB } from './util/peak-rss.js';
import { PeakLog } from './util/peaks.js';

export interface BenchReport {
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    loadAvgBefore: number[];
    loadAvgAfter: number[];
  };
  size: BenchSize;
  queueLayer: QueueLayerResult;
  fullPath: FullPathResult;
  pickup: PickupRow[];
  http: HttpLoadResult;
  stages: QueueJobStagesResult;
  engine: EngineResult | null;
  profile: ProfileResult | null;
  /** The capacity model's check (docs/SCALING.md); null when the size skips it. */
  simulation: FleetSimulationResult | null;
  /** "scenario: process" → MiB; Redis and Postgres are shared servers and not attributed. */
  peakRssMiB: Record<string, number | null>;
  /** Seconds each scenario took. */
  seconds: Record<string, number>;
}

export interface RunOptions {
  size: BenchSize;
  /** Folder for the raw CPU profiles. */
  profileDir: string;
  /** Progress lines (the CLI prints them; the test passes nothing). */
  log?: (line: string) => void;
}

export async function runBench({ size, profileDir, log = () => {} }: RunOptions): Promise<BenchReport> {
  const peaks = new PeakLog();
  const seconds: Record<string, number> = {};
  const startedAt = new Date().toISOString();
  const loadAvgBefore = loadavg().map((value) => Math.round(value * 100) / 100);
  async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
    log(`${name}…`);
    const started = performance.now();
    const result = await run();
    seconds[name] = Math.round((performance.now() - started) / 100) / 10;
    log(`${name}: ${seconds[name]} s`);
    return result;
  }
  const queueLayer = await step('(a) queue layer', () => benchQueueLayer(size, peaks));
  const fullPath = await step('(b) full path', () => benchFullPath(size, peaks));
  const pickup = await step('(c) pickup latency', () => benchPickupLatency(size, peaks));
  const http = await step('(d) queue-job HTTP', () => benchHttpLoad(size, peaks));
  const stages = await step('queue-job stages', () => benchQueueJobStages(size));
  const engine =
    size.engineSteps > 0 ? await step('(e) engine steps', () => benchEngineSteps(size, peaks)) : null;
  const profile = size.profile
    ? await step('profile of (b)', () => profileFullPath(size, peaks, profileDir))
    : null;
  const simulation =
    size.simulation.windowS > 0
      ? await step('fleet simulation', () => benchFleetSimulation(size.simulation, peaks))
      : null;
  peaks.add('bench', { 'driver + load generator': ownPeakRssMiB() });
  return {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAvgBefore,
      loadAvgAfter: loadavg().map((value) => Math.round(value * 100) / 100),
    },
    size,
    queueLayer,
    fullPath,
    pickup,
    http,
    stages,
    engine,
    profile,
    simulation,
    peakRssMiB: peaks.byProcess,
    seconds,
  };
}
