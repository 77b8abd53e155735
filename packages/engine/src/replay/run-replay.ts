import { resolve } from 'node:path';
import { EngineError } from '../common/engine-error.js';
import { native } from '../common/native.js';

export interface ReplayIo {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly device?: string;
}

/**
 * The replay command: recomputes every reference tensor and PNG of a fixture folder from its
 * inputs (core/src/replay), writes <out-dir>/reference/*, prints the worst error per tensor.
 * Returns the exit code: 0 all within tolerance, 1 any miss, 2 usage or load error.
 */
export async function runReplay(args: readonly string[], io: ReplayIo): Promise<number> {
  if (args.length !== 2) {
    io.err('usage: gpuq-replay <fixture-dir> <out-dir>\n');
    return 2;
  }
  const [fixture, out] = args.map((p) => resolve(io.cwd, p)) as [string, string];
  try {
    const report = await native().replay(fixture, out, { device: io.device ?? 'auto' });
    io.out(report.text);
    return report.ok ? 0 : 1;
  } catch (err) {
    const e = EngineError.fromNative(err, `replay ${fixture}`);
    io.err(`[${e.code}] ${e.message}\n`);
    return 2;
  }
}
