/**
 * What every WAN fleet test runs against: a real queue-api (its own database, Redis prefix and
 * storage folder; background loops on) and one wan-worker process serving it, plus a scratch
 * folder. Started in beforeAll, stopped in afterAll. With `remoteWorker`, the worker stands for a
 * GPU host without the api's disk: a GPUQ_DATA_DIR of its own and WORKER_STORAGE=api.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';
import { afterAll, beforeAll } from 'vitest';

export interface WanStack {
  api: ApiHarness;
  worker: RunningProcess;
  /** A scratch folder removed afterwards. */
  work: string;
  /** The worker's GPUQ_DATA_DIR: the api's, or with `remoteWorker` its own (inside `work`). */
  workerDataDir: string;
}

export interface WanStackOptions {
  /** Run the worker as a remote GPU host: its own data folder, storage through the api. */
  remoteWorker?: boolean;
}

/** The returned object is filled in by beforeAll; read its fields inside tests only. */
export function useWanStack(
  workerId: string,
  workerEnv: Record<string, string> = {},
  options: WanStackOptions = {},
): WanStack {
  const stack = {} as WanStack;
  beforeAll(async () => {
    stack.work = await mkdtemp(join(tmpdir(), `gpuq-${workerId}-`));
    stack.api = await startApi(
      { MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' },
      { background: true },
    );
    stack.workerDataDir = options.remoteWorker
      ? join(stack.work, 'worker-data')
      : stack.api.env.GPUQ_DATA_DIR;
    const remote: Record<string, string> = options.remoteWorker
      ? { GPUQ_DATA_DIR: stack.workerDataDir, WORKER_STORAGE: 'api' }
      : {};
    stack.worker = runTsEntry('src/main.ts', stack.api.workerEnv(workerId, { ...remote, ...workerEnv }));
    await stack.worker.waitFor('worker started', 180_000);
  }, 240_000);
  afterAll(async () => {
    const { worker, api, work } = stack;
    if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
    await worker?.exited();
    await api?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });
  return stack;
}
