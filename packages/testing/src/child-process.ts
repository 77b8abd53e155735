/**
 * Runs one of the project's entry points as a real child process from its TypeScript source
 * (tsx, `source` export condition), for tests of start-up, signals and crashes.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface RunningProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves when the output contains `pattern`. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or the signal name). */
  exited(): Promise<number | string>;
}

export function runTsEntry(
  entry: string,
  env: Record<string, string | undefined>,
  cwd?: string,
): RunningProcess {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', entry], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  const exit = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });
  return {
    child,
    output: () => text,
    exited: () => exit,
    async waitFor(pattern, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      const matches = () => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
      while (!matches()) {
        if (child.exitCode !== null)
          throw new Error(`process exited (${child.exitCode}) before ${pattern}:\n${text}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}:\n${text}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
  };
}
