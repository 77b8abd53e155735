/**
 * Where the time goes on our full path: one (b) run again, untimed, with queue-api and the first
 * worker under `node --cpu-prof`; each profile summarised by package and hottest function. The
 * raw profiles stay under bench/results/tmp/ (not committed) for a flame graph in DevTools.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSize } from '../bench-size.js';
import { type ProfileSummary, summariseProfile } from '../profile/cpu-profile.js';
import { startGpuqStack } from '../stacks/gpuq-stack.js';
import type { PeakLog } from '../util/peaks.js';
import { timedRun, warmUp } from './full-path.js';

export interface ProfileResult {
  dir: string;
  /** Process label → summary. */
  processes: Record<string, ProfileSummary>;
}

export async function profileFullPath(size: BenchSize, peaks: PeakLog, dir: string): Promise<ProfileResult> {
  mkdirSync(dir, { recursive: true });
  const stack = await startGpuqStack(size.users, {
    workers: size.workers,
    concurrency: size.workerConcurrency,
    cpuProfDir: dir,
  });
  try {
    await warmUp(stack, size);
    await timedRun(stack, size);
  } finally {
    peaks.add('profiled (b)', await stack.stop());
  }
  const processes: Record<string, ProfileSummary> = {};
  for (const name of ['queue-api', 'noop-worker']) {
    const folder = join(dir, name);
    const file = existsSync(folder)
      ? readdirSync(folder).find((entry) => entry.endsWith('.cpuprofile'))
      : undefined;
    if (file) processes[name] = summariseProfile(join(folder, file));
  }
  return { dir, processes };
}
