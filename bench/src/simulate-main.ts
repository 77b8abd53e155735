/**
 * `pnpm --filter @gpuq/bench bench:simulate`: the fleet simulation behind docs/SCALING.md's
 * capacity model alone (scenarios/fleet-simulation.ts). Writes
 * `bench/results/simulation-<timestamp>.json`.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FULL_SIZE, TINY_SIZE } from './bench-size.js';
import { benchFleetSimulation } from './scenarios/fleet-simulation.js';
import { CATALOG_MIX, fleetDemand, jobMix } from './sim/capacity-model.js';
import { REPO_ROOT } from './util/child.js';
import { PeakLog } from './util/peaks.js';

const size = process.env.GPUQ_BENCH_SIZE === 'tiny' ? TINY_SIZE : FULL_SIZE;
const startedAt = new Date().toISOString();
const result = await benchFleetSimulation(size.simulation, new PeakLog());
// docs/SCALING.md's table: the catalog mix, and SDXL fast images only (the most jobs per GPU).
const fleets = [100, 1_000, 10_000].flatMap((gpus) => [
  { mix: 'catalog', ...fleetDemand(gpus, CATALOG_MIX, result.costs) },
  { mix: 'sdxl_image_fast', ...fleetDemand(gpus, jobMix({ sdxl_image_fast: 1 }), result.costs) },
]);
const file = join(
  resolve(REPO_ROOT, 'bench', 'results'),
  `simulation-${startedAt.replace(/[:.]/g, '-')}.json`,
);
writeFileSync(
  file,
  `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), ...result, fleets }, null, 2)}\n`,
);
console.log(JSON.stringify({ ratios: result.ratios, costRatios: result.costRatios }));
console.log(`[bench:simulate] wrote ${file}`);
process.exit(0);
