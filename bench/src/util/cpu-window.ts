/**
 * What a window of work cost each part of a stack in CPU: its api, its workers, its database's
 * backends, the shared Redis and the load generator (this process). (b) divides it by the jobs
 * done, (d) by the requests answered: where a gap between two stacks comes from, part by part.
 */
import type { RunningStack } from '../stacks/gpuq-stack.js';
import { cpuSpent } from './cpu-time.js';
import { redisCpuS } from './redis-cpu.js';
import { round } from './stats.js';

/** `work`'s value and the CPU seconds it cost each part (cpuPart's names). */
export async function cpuDuring<T>(
  stack: RunningStack,
  work: () => Promise<T>,
): Promise<{ value: T; spent: Record<string, number> }> {
  const before = { stack: await stack.cpu(), redis: await redisCpuS(), self: process.cpuUsage() };
  const value = await work();
  const self = process.cpuUsage(before.self);
  const byLabel = {
    ...cpuSpent(before.stack, await stack.cpu()),
    redis: (await redisCpuS()) - before.redis,
    'load generator': (self.user + self.system) / 1e6,
  };
  const spent: Record<string, number> = {};
  for (const [label, seconds] of Object.entries(byLabel)) {
    const part = cpuPart(label);
    spent[part] = (spent[part] ?? 0) + seconds;
  }
  return { value, spent };
}

/** Adds `spent` into `totals`. */
export function addCpu(totals: Record<string, number>, spent: Record<string, number>): void {
  for (const [part, seconds] of Object.entries(spent)) totals[part] = (totals[part] ?? 0) + seconds;
}

/** Every stack's processes under the same names: `api`, `workers`, and the shared ones as they are. */
function cpuPart(label: string): string {
  if (/worker/.test(label)) return 'workers';
  if (/api/.test(label)) return 'api';
  return label;
}

/** CPU seconds over `count` jobs or requests → ms each, largest first, with an `all` row. */
export function msEach(seconds: Record<string, number>, count: number): Record<string, number> {
  const rows = Object.entries(seconds).sort((a, b) => b[1] - a[1]);
  const all = rows.reduce((sum, [, value]) => sum + value, 0);
  return Object.fromEntries(
    [...rows, ['all', all] as const].map(([label, value]) => [label, round((value * 1000) / count, 2)]),
  );
}
