/**
 * The capacity model of docs/SCALING.md: a fleet's demand on the control plane from two measured
 * unit costs, one per job (queue-job, claim, storage, completion) and one per progress callback
 * (a running job reports at most once a second, so this one grows with job duration, not job
 * count). The job mix is the catalog's ten types in equal shares, each taking its catalog
 * `expectedSeconds` on one GPU.
 */
import { JOB_CATALOG, JobType } from '@gpuq/job-types';

/** What one unit (a job, or one progress callback) costs the control plane. */
export interface UnitCost {
  /** CPU seconds. */
  apiCpuS: number;
  postgresCpuS: number;
  redisCpuS: number;
  /** Postgres statements sent by the api, Redis commands (all clients), bytes to and from Redis. */
  pgStatements: number;
  redisCommands: number;
  redisBytes: number;
  /** HTTP requests the api answers. */
  httpRequests: number;
}

export const UNIT_KEYS = [
  'apiCpuS',
  'postgresCpuS',
  'redisCpuS',
  'pgStatements',
  'redisCommands',
  'redisBytes',
  'httpRequests',
] as const satisfies ReadonlyArray<keyof UnitCost>;

/**
 * Progress callbacks a job of `type` sends: after each step, unless one went less than
 * `intervalS` ago, and never for the last step (the completion reports that). Time-scaled runs
 * scale the interval with the duration, so the count is the same.
 */
export function progressCallbacks(type: JobType, intervalS = 1): number {
  const { expectedSeconds, preset } = JOB_CATALOG[type];
  const stepS = expectedSeconds / preset.steps;
  let sent = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  for (let step = 1; step < preset.steps; step += 1) {
    const at = step * stepS;
    if (at - lastAt < intervalS) continue;
    lastAt = at;
    sent += 1;
  }
  return sent;
}

export interface JobMix {
  /** Share of submissions by type (sums to 1). */
  shares: Partial<Record<JobType, number>>;
  /** Mean GPU seconds per job. */
  meanSeconds: number;
  /** Mean progress callbacks per job. */
  meanProgress: number;
}

export function jobMix(shares: Partial<Record<JobType, number>>): JobMix {
  const entries = Object.entries(shares) as Array<[JobType, number]>;
  const total = entries.reduce((sum, [, share]) => sum + share, 0);
  let meanSeconds = 0;
  let meanProgress = 0;
  for (const [type, share] of entries) {
    meanSeconds += (share / total) * JOB_CATALOG[type].expectedSeconds;
    meanProgress += (share / total) * progressCallbacks(type);
  }
  return { shares, meanSeconds, meanProgress };
}

/** The catalog's ten types in equal shares. */
export const CATALOG_MIX = jobMix(Object.fromEntries(JobType.options.map((type) => [type, 1])));

export interface FleetDemand {
  gpus: number;
  jobsPerS: number;
  progressPerS: number;
  /** Per second: CPU cores busy, statements, commands, bytes, requests. */
  perS: UnitCost;
}

/** A fleet of `gpus` kept busy (every GPU always has a job) at `mix`, as `timeScale` runs it. */
export function fleetDemand(
  gpus: number,
  mix: JobMix,
  costs: { job: UnitCost; progress: UnitCost },
  timeScale = 1,
): FleetDemand {
  return { ...demandAt((gpus * timeScale) / mix.meanSeconds, mix, costs), gpus };
}

/** The control plane's load when `jobsPerS` jobs of `mix` go through it. */
export function demandAt(
  jobsPerS: number,
  mix: JobMix,
  costs: { job: UnitCost; progress: UnitCost },
): FleetDemand {
  const progressPerS = jobsPerS * mix.meanProgress;
  const perS = Object.fromEntries(
    UNIT_KEYS.map((key) => [key, jobsPerS * costs.job[key] + progressPerS * costs.progress[key]]),
  ) as unknown as UnitCost;
  return { gpus: Number.NaN, jobsPerS, progressPerS, perS };
}
