import { resolve } from 'node:path';
import { EngineError } from '../common/engine-error.js';
import { formatModelCheck } from './format-check.js';
import { checkModel } from './model-check.js';

export interface CheckModelIo {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/**
 * The check-model command: validates a model folder without running it and prints its components.
 * Returns the exit code: 0 valid, 1 invalid (the error names folder, file and tensor), 2 usage.
 */
export async function runCheckModel(args: readonly string[], io: CheckModelIo): Promise<number> {
  if (args.length !== 1) {
    io.err('usage: gpuq-check-model <model-dir>\n');
    return 2;
  }
  const dir = resolve(io.cwd, args[0]!);
  const started = performance.now();
  try {
    const check = await checkModel(dir);
    io.out(formatModelCheck(check, (performance.now() - started) / 1000));
    return 0;
  } catch (err) {
    const e = err instanceof EngineError ? err : EngineError.fromNative(err, `check-model ${dir}`);
    io.err(`[${e.code}] ${e.message}\n`);
    return 1;
  }
}
