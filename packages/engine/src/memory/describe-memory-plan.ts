/** A memory plan for people: a table for `check-model`, a flat summary for worker logs. */
import { formatBytes } from './format-bytes.js';
import type { MemoryPlan } from './plan-memory.js';

export function formatMemoryPlan(plan: MemoryPlan): string {
  const rows = plan.components.map(
    (c) =>
      `  ${c.name.padEnd(16)} ${String(c.parameters).padStart(14)} params  ${c.publishedDtype.padEnd(5)} -> ` +
      `${c.storage.padEnd(5)} ${formatBytes(c.bytes).padStart(10)}`,
  );
  const stages = Object.entries(plan.workingSet.stages)
    .map(([stage, bytes]) => `${stage} ${formatBytes(bytes)}`)
    .join(', ');
  const { width, height, frames } = plan.size;
  const budget =
    plan.budgetBytes === null ? 'none' : `${formatBytes(plan.budgetBytes)} (${plan.budgetSource})`;
  return [
    `memory plan for ${plan.dir} (${plan.family}, ${plan.device})`,
    ...rows,
    `  weights          ${formatBytes(plan.weightBytes)}`,
    `  working set      ${formatBytes(plan.workingSet.bytes)} at ${width}x${height}${frames ? `x${frames}` : ''} (${stages})`,
    `  encode           ${formatBytes(plan.encodeBytes)}; text encoders ${plan.textEncoders}`,
    `  peak             ${formatBytes(plan.peakBytes)}`,
    `  budget           ${budget}: ${plan.fits ? 'fits' : 'does NOT fit'}`,
  ].join('\n');
}

export function memoryPlanSummary(plan: MemoryPlan): Record<string, unknown> {
  return {
    device: plan.device,
    components: Object.fromEntries(
      plan.components.map((c) => [c.name, `${formatBytes(c.bytes)} ${c.storage}`]),
    ),
    weights: formatBytes(plan.weightBytes),
    workingSet: `${formatBytes(plan.workingSet.bytes)} (${plan.workingSet.stage})`,
    textEncoders: plan.textEncoders,
    peak: formatBytes(plan.peakBytes),
    budget: plan.budgetBytes === null ? null : `${formatBytes(plan.budgetBytes)} (${plan.budgetSource})`,
  };
}
