/**
 * The plan an engine loads by: the memory plan for the load options, refused with
 * MemoryPlanError when it does not fit, and what the native loader takes from it (per-component
 * dtypes, whether to free the text encoders after encoding); and the same check per generation.
 */
import { native } from '../common/native.js';
import { MemoryPlanError } from './memory-plan-error.js';
import { type MemoryPlan, planForSize, planMemory } from './plan-memory.js';
import { checkWeightDtype, type StorageDtype, type WeightDtype } from './weight-dtype.js';
import type { GenerationSize } from './working-set.js';

export interface PlannedLoadOptions {
  readonly device?: 'auto' | 'cpu' | 'cuda';
  readonly threads?: number;
  readonly weightDtype?: WeightDtype;
  readonly maxMemoryBytes?: number;
  readonly plannedSize?: GenerationSize;
  /** An SDXL single-file checkpoint holding the weights; `dir` then holds only the configs. */
  readonly singleFile?: string;
}

export function planLoad(
  dir: string,
  options: PlannedLoadOptions,
): { plan: MemoryPlan; componentDtypes: Record<string, StorageDtype>; releaseTextEncoders: boolean } {
  const weightDtype = checkWeightDtype(options.weightDtype ?? 'auto', 'weightDtype');
  const deviceFree = options.device === 'cpu' ? null : native().cudaFreeMemory(options.device ?? 'auto');
  const plan = planMemory(dir, {
    weightDtype,
    // The device make_backend picks: "auto" is CUDA only where the addon reports its free memory.
    device: options.device === 'cuda' || deviceFree !== null ? 'cuda' : 'cpu',
    ...(deviceFree !== null ? { deviceFreeBytes: deviceFree } : {}),
    ...(options.plannedSize ? { size: options.plannedSize } : {}),
    ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.singleFile !== undefined ? { singleFile: options.singleFile } : {}),
  });
  if (!plan.fits) throw new MemoryPlanError(plan);
  return {
    plan,
    componentDtypes: Object.fromEntries(plan.components.map((c) => [c.name, c.storage])),
    releaseTextEncoders: plan.textEncoders === 'released after encoding',
  };
}

/** Refuses a generation whose working set does not fit beside the loaded weights. */
export function checkGenerationFits(plan: MemoryPlan, size: GenerationSize): void {
  const job = planForSize(plan, size);
  if (!job.fits) throw new MemoryPlanError(job);
}
