/**
 * `pnpm bench` (turbo runs it after the build): the full-size run, results in bench/results/.
 * GPUQ_BENCH_SIZE=tiny runs the harness at its test size (a smoke check; the numbers mean nothing).
 */
import { join, resolve } from 'node:path';
import { FULL_SIZE, TINY_SIZE } from './bench-size.js';
import { writeResults } from './report/write-results.js';
import { runBench } from './run-bench.js';
import { REPO_ROOT } from './util/child.js';

const results = resolve(REPO_ROOT, 'bench', 'results');
const size = process.env.GPUQ_BENCH_SIZE === 'tiny' ? TINY_SIZE : FULL_SIZE;
const report = await runBench({
  size,
  profileDir: join(results, 'tmp', `profile-${Date.now()}`),
  log: (line) => console.log(`[bench] ${line}`),
});
const written = writeResults(report, results);
console.log(`[bench] wrote ${written.json} and ${written.markdown}`);
process.exit(0);
