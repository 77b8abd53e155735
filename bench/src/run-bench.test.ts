/**
 * The bench harness at a tiny size, against the real Redis and Postgres: every scenario runs, the
 * report has a number in each place and renders. Timings are never asserted (a shared machine).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TINY_SIZE } from './bench-size.js';
import { writeResults } from './report/write-results.js';
import { runBench } from './run-bench.js';

describe('the bench harness at a tiny size', () => {
  it('measures every scenario and writes the JSON and Markdown report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gpuq-bench-test-'));
    try {
      const report = await runBench({ size: TINY_SIZE, profileDir: join(dir, 'profiles') });
      expect(report.queueLayer.rawJobsPerS).toHaveLength(TINY_SIZE.queueRepeats);
      expect(report.queueLayer.ratio).toBeGreaterThan(0);
      expect(report.fullPath.ours.jobsPerS).toBeGreaterThan(0);
      expect(report.fullPath.handwritten.jobsPerS).toBeGreaterThan(0);
      expect(report.fullPath.records.jobsPerS).toBeGreaterThan(0);
      expect(report.fullPath.recordsRatio).toBeGreaterThan(0);
      expect(report.fullPath.ours.http.non2xx).toBe(0);
      expect(report.pickup.map((row) => row.samples)).toEqual([5, 5, 5]);
      expect(report.http.atRate.queueJob.ok).toBeGreaterThan(0);
      expect(report.http.paced.queueJob).toMatchObject({
        ok: TINY_SIZE.rate * TINY_SIZE.pacedDurationS,
        errors: 0,
      });
      expect(report.http.pacedRounds).toHaveLength(TINY_SIZE.httpRounds);
      expect(report.http.pacedP99Ratio).toBe(report.http.pacedRounds[0]?.p99Ratio);
      expect(report.http.paced.records).toMatchObject({
        ok: TINY_SIZE.rate * TINY_SIZE.pacedDurationS,
        errors: 0,
      });
      expect(report.http.recordsP99Ratio).toBe(report.http.atRateRounds[0]?.recordsP99Ratio);
      expect(report.http.max.hello.ok).toBe(TINY_SIZE.httpRequests);
      // Per-process CPU of each enqueue (a tiny run's may round to 0 ms: /proc counts 10 ms ticks).
      expect(Object.keys(report.http.maxCpuMsPerRequest.queueJob)).toEqual(
        expect.arrayContaining(['api', 'postgres', 'redis', 'all']),
      );
      expect(report.stages.rows.map((row) => row.stage)).toEqual(
        expect.arrayContaining([
          'submit_job (profile, in-flight cap, project, reserve credits, insert)',
          'present: place in line',
        ]),
      );
      expect(Object.keys(report.peakRssMiB).length).toBeGreaterThan(5);
      // A job is three requests to the api: queue-job, the processing claim, the completion.
      expect(report.simulation?.costs.job.httpRequests).toBeGreaterThanOrEqual(3);
      expect(report.simulation?.costs.job.httpRequests).toBeLessThan(3.5);
      expect(report.simulation?.measured.progressPerS).toBeGreaterThan(0);

      const written = writeResults(report, dir);
      expect(JSON.parse(readFileSync(written.json, 'utf8')).size).toEqual(TINY_SIZE);
      const markdown = readFileSync(join(dir, 'latest.md'), 'utf8');
      expect(markdown).toContain('## Targets');
      expect(markdown).toContain('(b) full path, jobs/s end to end');
      expect(markdown).toContain('against a hand-written path writing the same records');
      expect(markdown).toContain('(d) in bursts, against a hand-written enqueue writing the same records');
      expect(markdown).toContain('## Fleet simulation');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);
});
