/** The fleet simulation's part of the report: unit costs, then the model's prediction against the run. */
import type { FleetSimulationResult } from '../scenarios/fleet-simulation.js';
import { UNIT_KEYS } from '../sim/capacity-model.js';
import { round } from '../util/stats.js';
import { table } from './markdown-table.js';

export function simulationSection(result: FleetSimulationResult): string[] {
  const { size, costs, predicted, measured, ratios } = result;
  const perS = (key: string, demand: typeof predicted) =>
    key === 'jobsPerS' || key === 'progressPerS'
      ? round(demand[key], 2)
      : round(demand.perS[key as (typeof UNIT_KEYS)[number]], 3);
  return [
    '## Fleet simulation (docs/SCALING.md, "Capacity model")',
    `Unit costs measured on the real stack with a private Redis, then the catalog mix on ${size.sdxlSlots} + ${size.wanSlots} simulated GPUs (SDXL + WAN queues) at ${size.timeScale}× real speed for ${2 * size.windowS} s, submitted at the model's predicted completion rate. CPU in seconds.`,
    table(
      ['per', ...UNIT_KEYS],
      (['job', 'progress'] as const).map((unit) => [
        unit,
        ...UNIT_KEYS.map((key) => round(costs[unit][key], 4)),
      ]),
    ),
    table(
      ['per second', 'predicted', 'measured', 'measured / predicted'],
      ['jobsPerS', 'progressPerS', ...UNIT_KEYS].map((key) => [
        key,
        perS(key, predicted),
        perS(key, measured),
        ratios[key],
      ]),
    ),
  ];
}
