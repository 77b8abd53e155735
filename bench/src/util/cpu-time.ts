/**
 * CPU seconds spent so far by the processes a stack is made of, read from /proc/<pid>/stat (user +
 * system): its own child processes by label, and the Postgres backends serving its database
 * together. Two readings apart give what a window of work cost each process, which (b) divides by
 * the jobs done: where a gap between two stacks comes from, process by process.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';
import type { Child } from './child.js';

const TICKS_PER_S = 100;

/** User + system CPU seconds of `pid` so far; 0 once it is gone. */
export function processCpuS(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    // Fields after the command name (which may hold spaces, so split after its ')').
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** CPU seconds so far of each Postgres backend serving `database`, by pid. */
export async function postgresBackendsCpuS(pool: pg.Pool, database: string): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [
    database,
  ]);
  return Object.fromEntries(rows.map((row) => [String(row.pid), processCpuS(row.pid)]));
}

/** What the backends of two readings spent between them, together. */
export function postgresSpentS(before: Record<string, number>, after: Record<string, number>): number {
  // A backend that started in the window spent all its time in it; one that ended is not seen.
  return Object.entries(after).reduce(
    (sum, [pid, seconds]) => sum + Math.max(0, seconds - (before[pid] ?? 0)),
    0,
  );
}

/** CPU seconds by process label, and of each Postgres backend of the database by pid. */
export interface CpuReading {
  byLabel: Record<string, number>;
  postgresByPid: Record<string, number>;
}

export async function readCpu(
  children: readonly Child[],
  pool: pg.Pool,
  database: string,
): Promise<CpuReading> {
  return {
    byLabel: Object.fromEntries(children.map((child) => [child.label, processCpuS(child.process.pid)])),
    postgresByPid: await postgresBackendsCpuS(pool, database),
  };
}

/** What each process spent between two readings; the backends as one `postgres` entry. */
export function cpuSpent(before: CpuReading, after: CpuReading): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [label, seconds] of Object.entries(after.byLabel))
    spent[label] = Math.max(0, seconds - (before.byLabel[label] ?? 0));
  spent.postgres = postgresSpentS(before.postgresByPid, after.postgresByPid);
  return spent;
}
