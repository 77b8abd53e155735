/**
 * `pnpm --filter @gpuq/bench bench:hot-path`: only the hot-path measures (a)–(d), each against
 * its baseline in the same run, plus the CPU profile of (b) with GPUQ_BENCH_PROFILE=1
 * (GPUQ_BENCH_PROFILE=only: the profile alone). The full
 * `bench` also times the engine and every stage; this one is for repeating the ratios quickly
 * while changing the hot path. Writes `bench/results/hot-path-<timestamp>.json`.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FULL_SIZE, TINY_SIZE } from './bench-size.js';
import { benchFullPath } from './scenarios/full-path.js';
import { benchHttpLoad } from './scenarios/http-load.js';
import { benchPickupLatency } from './scenarios/pickup-latency.js';
import { profileFullPath } from './scenarios/profile-full-path.js';
import { benchQueueLayer } from './scenarios/queue-layer.js';
import { REPO_ROOT } from './util/child.js';
import { PeakLog } from './util/peaks.js';

const results = resolve(REPO_ROOT, 'bench', 'results');
const size = process.env.GPUQ_BENCH_SIZE === 'tiny' ? TINY_SIZE : FULL_SIZE;
const peaks = new PeakLog();
const startedAt = new Date().toISOString();
const log = (line: string) => console.log(`[bench:hot-path] ${line}`);

const profileOnly = process.env.GPUQ_BENCH_PROFILE === 'only';
const ratios = profileOnly ? null : await measureRatios();
const profile = process.env.GPUQ_BENCH_PROFILE
  ? await profileFullPath(size, peaks, join(results, 'tmp', `profile-${Date.now()}`))
  : null;

async function measureRatios() {
  log('(a) queue layer…');
  const queueLayer = await benchQueueLayer(size, peaks);
  log(`(a) ours/raw ${queueLayer.ratio}`);
  log('(b) full path…');
  const fullPath = await benchFullPath(size, peaks);
  log(
    `(b) ${fullPath.ours.jobsPerS} vs ${fullPath.handwritten.jobsPerS} jobs/s = ${fullPath.ratio}; ` +
      `vs same records ${fullPath.records.jobsPerS} jobs/s = ${fullPath.recordsRatio}`,
  );
  log('(c) pickup…');
  const pickup = await benchPickupLatency(size, peaks);
  log(`(c) p99 ${pickup.map((row) => `${row.worker} ${row.p99Ms} ms`).join(', ')}`);
  log('(d) queue-job HTTP…');
  const http = await benchHttpLoad(size, peaks);
  const rounds = (list: typeof http.pacedRounds, by: 'p99Ratio' | 'recordsP99Ratio') =>
    list.map((round) => round[by]).join(', ');
  log(
    `(d) p99 ratio at rate, median of rounds: paced ${http.pacedP99Ratio} (${rounds(http.pacedRounds, 'p99Ratio')}); ` +
      `in bursts ${http.p99Ratio} (${rounds(http.atRateRounds, 'p99Ratio')}); against the same records: ` +
      `paced ${http.pacedRecordsP99Ratio} (${rounds(http.pacedRounds, 'recordsP99Ratio')}), ` +
      `in bursts ${http.recordsP99Ratio} (${rounds(http.atRateRounds, 'recordsP99Ratio')})`,
  );
  return { queueLayer, fullPath, pickup, http };
}

const file = join(results, `hot-path-${startedAt.replace(/[:.]/g, '-')}.json`);
const report = {
  startedAt,
  finishedAt: new Date().toISOString(),
  ...ratios,
  profile,
};
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
log(`wrote ${file}`);
process.exit(0);
