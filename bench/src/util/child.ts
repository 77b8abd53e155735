/**
 * Child processes of a bench run: our roles (bench/src/roles) and the project's own entry points
 * (queue-api's main). Run from the built JavaScript when the bench itself runs from dist (what
 * `pnpm bench` does: no tsx in the measurement), from TypeScript sources under tsx when it runs
 * from sources (the vitest test). Each child's peak RSS is read just before it is stopped.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { peakRssMiB } from './peak-rss.js';

const here = dirname(fileURLToPath(import.meta.url));
const fromSource = import.meta.url.endsWith('.ts');
/** The monorepo root: bench/src/util or bench/dist/util, three levels up. */
export const REPO_ROOT = resolve(here, '..', '..', '..');

export interface ChildOptions {
  /** Shown in the report's memory table. */
  label: string;
  env: Record<string, string>;
  /** Writes a V8 CPU profile into this folder when the process exits. */
  cpuProfDir?: string;
  /** Preloads roles/count-io: Postgres statements and Redis commands, read with `ioCounts()`. */
  countIo?: boolean;
}

export interface Child {
  readonly label: string;
  readonly process: ChildProcess;
  output(): string;
  /** Resolves once the child printed `pattern` (our roles print `ready`). */
  waitFor(pattern: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM (graceful: CPU profiles are written on exit), SIGKILL after `graceMs`. Returns peak RSS. */
  stop(graceMs?: number): Promise<number | null>;
  /** With `countIo`: the round trips since the last call (the first call only starts counting). */
  ioCounts(): Promise<IoCounts>;
}

export interface IoCounts {
  pg: number;
  redis: number;
}

/** One of bench/src/roles, by file name without extension. */
export function startRole(role: string, options: ChildOptions): Child {
  const file = join(here, '..', 'roles', `${role}.${fromSource ? 'ts' : 'js'}`);
  return startNode(file, options);
}

/** queue-api's real entry point, as production starts it. */
export function startQueueApi(options: ChildOptions): Child {
  const app = join(REPO_ROOT, 'apps', 'queue-api');
  return startNode(fromSource ? join(app, 'src', 'main.ts') : join(app, 'dist', 'main.js'), options);
}

function startNode(file: string, options: ChildOptions): Child {
  const args = [
    ...(fromSource ? ['--conditions=source', '--import', 'tsx'] : []),
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
    ...(options.countIo
      ? ['--import', join(here, '..', 'roles', `count-io.${fromSource ? 'ts' : 'js'}`)]
      : []),
    file,
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const keep = (chunk: Buffer) => {
    // Bounded: a chatty child must not grow the bench's own memory.
    text = (text + chunk.toString()).slice(-20_000);
  };
  // `io {...}` lines from roles/count-io, split from stdout by line.
  const ioLines: string[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('io {')) ioLines.push(line.slice(3));
  });
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    label: options.label,
    process: child,
    output: () => text,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (!text.includes(pattern)) {
        if (child.exitCode !== null) throw new Error(`${options.label} exited (${child.exitCode}):\n${text}`);
        if (Date.now() > deadline)
          throw new Error(`${options.label} not ${pattern} in ${timeoutMs} ms:\n${text}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async ioCounts() {
      const before = ioLines.length;
      child.kill('SIGUSR2');
      const deadline = Date.now() + 5_000;
      while (ioLines.length === before) {
        if (Date.now() > deadline) throw new Error(`${options.label} printed no io counts`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return JSON.parse(ioLines[before]!) as IoCounts;
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return null;
      const peak = peakRssMiB(child.pid);
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      return peak;
    },
  };
}

/** Each child's I/O so far, by label. */
export async function ioCountsOf(children: readonly Child[]): Promise<Record<string, IoCounts>> {
  const counts: Record<string, IoCounts> = {};
  for (const child of children) counts[child.label] = await child.ioCounts();
  return counts;
}

/** Stops the children one after another, in the order given; each one's peak RSS by label. */
export async function stopInOrder(children: readonly Child[]): Promise<Record<string, number | null>> {
  const peaks: Record<string, number | null> = {};
  for (const child of children) peaks[child.label] = await child.stop();
  return peaks;
}
