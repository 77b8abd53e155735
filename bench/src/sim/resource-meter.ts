/**
 * What a stack spends, read from outside it: CPU seconds of the api and worker processes
 * (/proc/<pid>/stat) and of the Postgres backends serving the stack's database, Redis's own
 * counters (a private server, so every command and byte is the stack's), and the api's request
 * counts by route (its Prometheus /metrics). `snapshot()` twice and `delta()` gives a window.
 */
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { postgresBackendsCpuS, postgresSpentS, processCpuS } from '../util/cpu-time.js';
import { infoCpuS, infoNumber } from '../util/redis-cpu.js';

export interface MeterSnapshot {
  atMs: number;
  /** CPU seconds by process label ("queue-api", "workers"). */
  cpuS: Record<string, number>;
  /** CPU seconds of each Postgres backend serving the database, by pid. */
  postgresByPid: Record<string, number>;
  redis: { cpuS: number; commands: number; bytesIn: number; bytesOut: number };
  /** Request counts by route pattern. */
  requests: Record<string, number>;
}

async function requestCounts(apiUrl: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const match of text.matchAll(/^gpuq_http_request_duration_seconds_count\{([^}]*)\} (\d+)/gm)) {
    const route = /route="([^"]*)"/.exec(match[1]!)?.[1] ?? '?';
    counts[route] = (counts[route] ?? 0) + Number(match[2]);
  }
  return counts;
}

export interface MeterTargets {
  apiUrl: string;
  apiPid: number | undefined;
  workerPids: Array<number | undefined>;
  /** A pool on the stack's database (its backends are counted too, a small overcount). */
  pool: pg.Pool;
  databaseName: string;
  redis: Redis;
}

export async function snapshot(targets: MeterTargets): Promise<MeterSnapshot> {
  const postgresByPid = await postgresBackendsCpuS(targets.pool, targets.databaseName);
  const info = await targets.redis.info();
  return {
    atMs: performance.now(),
    cpuS: {
      'queue-api': processCpuS(targets.apiPid),
      workers: targets.workerPids.reduce<number>((sum, pid) => sum + processCpuS(pid), 0),
    },
    postgresByPid,
    redis: {
      cpuS: infoCpuS(info),
      commands: infoNumber(info, 'total_commands_processed'),
      bytesIn: infoNumber(info, 'total_net_input_bytes'),
      bytesOut: infoNumber(info, 'total_net_output_bytes'),
    },
    requests: await requestCounts(targets.apiUrl),
  };
}

export interface MeterWindow {
  seconds: number;
  cpuS: Record<string, number>;
  redis: MeterSnapshot['redis'];
  requests: Record<string, number>;
}

export function delta(before: MeterSnapshot, after: MeterSnapshot): MeterWindow {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.keys(a).map((key) => [key, Math.max(0, (a[key] ?? 0) - (b[key] ?? 0))]));
  return {
    seconds: (after.atMs - before.atMs) / 1_000,
    cpuS: {
      ...minus(after.cpuS, before.cpuS),
      postgres: postgresSpentS(before.postgresByPid, after.postgresByPid),
    },
    redis: minus(after.redis, before.redis) as MeterSnapshot['redis'],
    requests: minus(after.requests, before.requests),
  };
}
