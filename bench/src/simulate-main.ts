/**
 * `pnpm --filter @gpuq/bench bench:simulate`: the fleet simulation behind docs/SCALING.md's
 * capacity model alone (scenarios/fleet-simulation.ts). Writes
 * `bench/results/simulation-<timestamp>.json`.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FULL_SIZE, TINY_SIZE } from './bench-size.js';
import { benchFleetSimulation } from './scenarios/fleet-simulation.js';
import { REPO_ROOT } from './util/child.js';
import { PeakLog } from './util/peaks.js';

const size = process.env.GPUQ_BENCH_SIZE === 'tiny' ? TINY_SIZE : FULL_SIZE;
const startedAt = new Date().toISOString();
const result = await benchFleetSimulation(size.simulation, new PeakLog());
const file = join(
  resolve(REPO_ROOT, 'bench', 'results'),
  `simulation-${startedAt.replace(/[:.]/g, '-')}.json`,
);
writeFileSync(
  file,
  `${JSON.stringify({ startedAt, finishedAt: new Date().toISOString(), ...result }, null, 2)}\n`,
);
console.log(JSON.stringify(result.ratios));
console.log(`[bench:simulate] wrote ${file}`);
process.exit(0);
