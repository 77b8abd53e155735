import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseByteSize } from '@gpuq/config';
import { EngineError } from '../common/engine-error.js';
import { formatMemoryPlan } from '../memory/describe-memory-plan.js';
import { planMemory } from '../memory/plan-memory.js';
import { checkWeightDtype, type WeightDtype } from '../memory/weight-dtype.js';
import { formatModelCheck } from './format-check.js';
import { checkModel } from './model-check.js';

export interface CheckModelIo {
  readonly cwd: string;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const USAGE =
  'usage: gpuq-check-model <model-dir> [--dtype auto|fp32|fp16|bf16] [--device cpu|cuda] [--max-memory 80GiB]\n';

interface PlanRequest {
  readonly weightDtype: WeightDtype;
  readonly devices: readonly ('cpu' | 'cuda')[];
  readonly maxMemoryBytes?: number;
}

/** The command line, or the reason it is not one. */
function parseCommandLine(args: readonly string[]): { dir: string; plan: PlanRequest } | string {
  let parsed: ReturnType<
    typeof parseArgs<{ options: Record<string, { type: 'string' }>; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { dtype: { type: 'string' }, device: { type: 'string' }, 'max-memory': { type: 'string' } },
    });
  } catch (err) {
    return (err as Error).message;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return 'expected one model folder';
  const device = values.device;
  if (device !== undefined && device !== 'cpu' && device !== 'cuda')
    return `--device must be cpu or cuda, got ${device}`;
  const maxMemory = values['max-memory'];
  const maxMemoryBytes = maxMemory === undefined ? undefined : parseByteSize(maxMemory);
  if (maxMemory !== undefined && maxMemoryBytes === undefined)
    return `--max-memory must be a size such as 24GB or 80GiB, got ${maxMemory}`;
  let weightDtype: WeightDtype;
  try {
    weightDtype = checkWeightDtype(values.dtype ?? 'auto', '--dtype');
  } catch (err) {
    return (err as Error).message;
  }
  return {
    dir: positionals[0]!,
    plan: {
      weightDtype,
      // Without --device both plans are printed: the same folder is often meant for either.
      devices: device ? [device] : ['cpu', 'cuda'],
      ...(maxMemoryBytes !== undefined ? { maxMemoryBytes } : {}),
    },
  };
}

/**
 * The check-model command: validates a model folder without running it, prints its components
 * and the memory plan for each device asked for (weights at the chosen precision, the working set
 * at the model's native size, the peak, and whether it fits `--max-memory` or, on the CPU, this
 * host's available memory). Returns the exit code: 0 valid, 1 invalid (the error names folder,
 * file and tensor), 2 usage.
 */
export async function runCheckModel(args: readonly string[], io: CheckModelIo): Promise<number> {
  const command = parseCommandLine(args);
  if (typeof command === 'string') {
    io.err(`${command}\n${USAGE}`);
    return 2;
  }
  const dir = resolve(io.cwd, command.dir);
  const started = performance.now();
  try {
    const check = await checkModel(dir);
    io.out(formatModelCheck(check, (performance.now() - started) / 1000));
    for (const device of command.plan.devices) {
      const plan = planMemory(dir, {
        device,
        weightDtype: command.plan.weightDtype,
        ...(command.plan.maxMemoryBytes !== undefined ? { maxMemoryBytes: command.plan.maxMemoryBytes } : {}),
      });
      io.out(`\n${formatMemoryPlan(plan)}\n`);
    }
    return 0;
  } catch (err) {
    const e = err instanceof EngineError ? err : EngineError.fromNative(err, `check-model ${dir}`);
    io.err(`[${e.code}] ${e.message}\n`);
    return 1;
  }
}
