/**
 * How much work one bench run does. FULL is `pnpm bench`: seconds per measurement on a shared
 * 2-core machine. TINY is the vitest check that the harness works end to end; its numbers mean
 * nothing.
 */
/** The fleet simulation behind docs/SCALING.md (scenarios/fleet-simulation.ts). */
export interface SimulationSize {
  timeScale: number;
  calibrationJobs: number;
  sdxlSlots: number;
  wanSlots: number;
  /** Seconds of the progress measurement; the check runs twice as long. 0 skips the simulation. */
  windowS: number;
  users: number;
}

export interface BenchSize {
  /** (a) jobs per measurement, repeated `queueRepeats` times alternating raw and ours. */
  queueJobs: number;
  queueRepeats: number;
  /** (a) producer adds in flight, and worker concurrency, the same for both sides. */
  queueConcurrency: number;
  /** (c) jobs timed one at a time per worker kind, `pickupGapMs` apart (the worker idles between). */
  pickupSamples: number;
  pickupGapMs: number;
  /** (b), (d) distinct users the requests rotate over. */
  users: number;
  /** (b) jobs per end-to-end run; HTTP connections of the load generator. */
  fullJobs: number;
  connections: number;
  /** (b) timed runs per path, alternating. */
  fullRepeats: number;
  /** (b) worker processes and jobs at once per process (no-op engine). */
  workers: number;
  workerConcurrency: number;
  /**
   * (d) closed-loop requests per target, then open loops at `rate` req/s: evenly paced for
   * `pacedDurationS`, in autocannon's bursts for `rateDurationS`.
   */
  httpRequests: number;
  rate: number;
  pacedDurationS: number;
  /** (d) rounds of each open-loop shape (hand-written, then queue-job); the ratio is their median. */
  httpRounds: number;
  rateDurationS: number;
  /** Requests of the per-stage breakdown of queue-job, one at a time. */
  stageRequests: number;
  /** (e) denoising steps of the timed generation; 0 skips the engine. */
  engineSteps: number;
  /** Repeat (b) once under `node --cpu-prof` and summarise where the time goes. */
  profile: boolean;
  /** The fleet simulation behind docs/SCALING.md (scenarios/fleet-simulation.ts). */
  simulation: SimulationSize;
}

export const FULL_SIZE: BenchSize = {
  queueJobs: 2_000,
  queueRepeats: 5,
  queueConcurrency: 16,
  pickupSamples: 300,
  pickupGapMs: 10,
  users: 64,
  fullJobs: 600,
  fullRepeats: 3,
  connections: 16,
  workers: 2,
  workerConcurrency: 8,
  httpRequests: 800,
  rate: 100,
  pacedDurationS: 10,
  httpRounds: 5,
  rateDurationS: 4,
  stageRequests: 300,
  engineSteps: 10,
  profile: true,
  simulation: {
    timeScale: 20,
    calibrationJobs: 300,
    sdxlSlots: 2,
    wanSlots: 24,
    windowS: 10,
    users: 32,
  },
};

export const TINY_SIZE: BenchSize = {
  queueJobs: 20,
  queueRepeats: 1,
  queueConcurrency: 4,
  pickupSamples: 5,
  pickupGapMs: 10,
  users: 3,
  fullJobs: 10,
  fullRepeats: 1,
  connections: 2,
  workers: 1,
  workerConcurrency: 2,
  httpRequests: 10,
  rate: 20,
  pacedDurationS: 1,
  httpRounds: 1,
  rateDurationS: 1,
  stageRequests: 5,
  engineSteps: 0,
  profile: false,
  simulation: {
    timeScale: 200,
    calibrationJobs: 10,
    sdxlSlots: 1,
    wanSlots: 2,
    windowS: 1,
    users: 3,
  },
};
