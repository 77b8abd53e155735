/**
 * (e) Per-step time of the tiny SDXL checkpoint on CPU, two ways: the engine's own bench program
 * (packages/engine `gpuq_bench --tiny-only`: one UNet step, batch 2 for guidance, C++ only) and
 * SdxlEngine.generate through the addon as a worker runs it (roles/engine-steps). WAN has no
 * engine yet, so it has no row.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchSize } from '../bench-size.js';
import { REPO_ROOT, startRole } from '../util/child.js';
import type { PeakLog } from '../util/peaks.js';
import { median, round } from '../util/stats.js';

export interface EngineResult {
  /** From gpuq_bench; null when the native build is missing. */
  nativeUnetStepMs: number | null;
  nativeUnetStepMeanMs: number | null;
  nativeSgemmGflops: number | null;
  /** Through SdxlEngine: median ms between progress events (one step, guidance on). */
  engineStepMs: number;
  engineFirstStepMs: number;
  engineTotalMs: number;
  engineLoadMs: number;
  steps: number;
  wan: string;
}

const WAN = 'not measured: the WAN 2.1 engine is not built yet (wan-worker refuses generation)';

export async function benchEngineSteps(size: BenchSize, peaks: PeakLog): Promise<EngineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-bench-engine-'));
  try {
    const native = await runNativeBench(dir, peaks);
    const child = startRole('engine-steps', {
      label: 'SdxlEngine',
      env: { MODEL_DIR: join(dir, 'sdxl-tiny'), STEPS: String(size.engineSteps) },
    });
    await child.waitFor('result ', 120_000);
    const line = child
      .output()
      .split('\n')
      .find((text) => text.startsWith('result '))!;
    const measured = JSON.parse(line.slice('result '.length)) as {
      loadMs: number;
      totalMs: number;
      firstStepMs: number;
      stepMs: number[];
      peakRssMiB: number;
    };
    peaks.add('(e)', { 'SdxlEngine (tiny, node)': measured.peakRssMiB });
    await child.stop();
    return {
      ...native,
      engineStepMs: round(median(measured.stepMs), 2),
      engineFirstStepMs: round(measured.firstStepMs, 2),
      engineTotalMs: round(measured.totalMs, 1),
      engineLoadMs: round(measured.loadMs, 1),
      steps: size.engineSteps,
      wan: WAN,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runNativeBench(dir: string, peaks: PeakLog) {
  const bin = join(REPO_ROOT, 'packages', 'engine', 'build', 'gpuq_bench');
  if (!existsSync(bin))
    return { nativeUnetStepMs: null, nativeUnetStepMeanMs: null, nativeSgemmGflops: null };
  const out = join(dir, 'engine-bench.json');
  await promisify(execFile)(bin, ['--tiny-only', '--latent', '32', '--runs', '3', '--json', out], {
    timeout: 120_000,
  });
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    sgemm_gflops: number;
    peak_rss_mib: number;
    unet: { step_seconds: number; step_mean_seconds: number }[];
  };
  peaks.add('(e)', { 'gpuq_bench (tiny, C++)': report.peak_rss_mib });
  const tiny = report.unet[0]!;
  return {
    nativeUnetStepMs: round(tiny.step_seconds * 1000, 2),
    nativeUnetStepMeanMs: round(tiny.step_mean_seconds * 1000, 2),
    nativeSgemmGflops: round(report.sgemm_gflops, 1),
  };
}
