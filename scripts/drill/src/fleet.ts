/** The drill's worker processes: real `node` children running drill-worker.ts against the api. */
import { fileURLToPath } from 'node:url';
import type { ApiHarness } from '@gpuq/queue-api/testing';
import { type RunningProcess, runTsEntry } from '@gpuq/testing';

const ENTRY = fileURLToPath(new URL('./drill-worker.ts', import.meta.url));
const CWD = fileURLToPath(new URL('..', import.meta.url));

export interface WorkerOptions {
  steps?: number;
  stepMs?: number;
  graceMs?: number;
  concurrency?: number;
  queue?: 'wan_queue' | 'sdxl_queue';
}

export class Fleet {
  private readonly running = new Map<string, RunningProcess>();

  constructor(private readonly api: () => ApiHarness) {}

  async start(id: string, options: WorkerOptions = {}): Promise<RunningProcess> {
    const worker = runTsEntry(
      ENTRY,
      this.api().workerEnv(id, {
        // A short lease: a killed worker's job is noticed within seconds, not a minute.
        WORKER_LEASE_MS: '2000',
        LOG_LEVEL: 'info',
        DRILL_QUEUE: options.queue ?? 'wan_queue',
        DRILL_STEPS: String(options.steps ?? 10),
        DRILL_STEP_MS: String(options.stepMs ?? 100),
        DRILL_GRACE_MS: String(options.graceMs ?? 30_000),
        WORKER_CONCURRENCY: String(options.concurrency ?? 1),
      }),
      CWD,
    );
    this.running.set(id, worker);
    await worker.waitFor('worker started', 120_000);
    return worker;
  }

  get(id: string): RunningProcess {
    const worker = this.running.get(id);
    if (!worker) throw new Error(`no worker ${id}`);
    return worker;
  }

  async kill(id: string, signal: NodeJS.Signals): Promise<number | string> {
    const worker = this.get(id);
    worker.child.kill(signal);
    const code = await worker.exited();
    this.running.delete(id);
    return code;
  }

  /** The last lines every running worker wrote (for DRILL_DEBUG). */
  output(): string {
    return [...this.running]
      .map(([id, worker]) => `--- ${id}\n${worker.output().split('\n').slice(-15).join('\n')}`)
      .join('\n');
  }

  async stopAll(): Promise<void> {
    for (const id of [...this.running.keys()]) {
      const worker = this.running.get(id);
      if (worker && worker.child.exitCode === null) await this.kill(id, 'SIGKILL');
      this.running.delete(id);
    }
  }
}
