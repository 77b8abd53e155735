/** A model that would not fit its memory budget: refused before anything is loaded. */
import { EngineError } from '../common/engine-error.js';
import { formatBytes } from './format-bytes.js';
import type { MemoryPlan } from './plan-memory.js';

export class MemoryPlanError extends EngineError {
  constructor(readonly plan: MemoryPlan) {
    const parts = plan.components.map((c) => `${c.name} ${formatBytes(c.bytes)} ${c.storage}`).join(', ');
    super(
      'GPUQ_OUT_OF_MEMORY',
      `${plan.dir} needs ${formatBytes(plan.peakBytes)} on ${plan.device} (weights ${formatBytes(plan.weightBytes)}: ` +
        `${parts}; working set ${formatBytes(plan.workingSet.bytes)} for ${sizeText(plan)}, largest in ` +
        `${plan.workingSet.stage}${plan.textEncoders === 'resident' ? '' : '; text encoders freed after encoding'}) ` +
        `but the budget is ${formatBytes(plan.budgetBytes ?? 0)} (${plan.budgetSource}); ` +
        'choose a smaller weight dtype or size, or raise GPUQ_MAX_MEMORY',
    );
  }

  /** The same plan gives the same answer: retrying cannot help. */
  override get retryable(): boolean {
    return false;
  }
}

function sizeText(plan: MemoryPlan): string {
  const { width, height, frames } = plan.size;
  return frames === undefined ? `${width}x${height}` : `${width}x${height}x${frames} frames`;
}
