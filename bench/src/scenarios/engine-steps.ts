/**
 * (e) Per-step time of the tiny checkpoints on CPU: for SDXL, the engine's own bench program
 * (packages/engine `gpuq_bench --tiny-only`: one UNet step, batch 2 for guidance, C++ only); for
 * SDXL and WAN 2.1, a generation through the addon as a worker runs it (roles/engine-steps).
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

/** One generation through the addon: median ms between progress events (one step, guidance on). */
export interface EngineGeneration {
  stepMs: number;
  firstStepMs: number;
  totalMs: number;
  loadMs: number;
  steps: number;
}

export interface EngineResult {
  /** From gpuq_bench; null when the native build is missing. */
  nativeUnetStepMs: number | null;
  nativeUnetStepMeanMs: number | null;
  nativeSgemmGflops: number | null;
  /** SdxlEngine, 64x64. */
  sdxl: EngineGeneration;
  /** WanEngine, 48x32, 9 frames. */
  wan: EngineGeneration;
}

export async function benchEngineSteps(size: BenchSize, peaks: PeakLog): Promise<EngineResult> {
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-bench-engine-'));
  try {
    const native = await runNativeBench(dir, peaks);
    return {
      ...native,
      sdxl: await timeGeneration('sdxl', 'SdxlEngine', join(dir, 'sdxl-tiny'), size, peaks),
      wan: await timeGeneration('wan', 'WanEngine', join(dir, 'wan-tiny'), size, peaks),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function timeGeneration(
  engine: 'sdxl' | 'wan',
  label: string,
  modelDir: string,
  size: BenchSize,
  peaks: PeakLog,
): Promise<EngineGeneration> {
  const child = startRole('engine-steps', {
    label,
    env: { ENGINE: engine, MODEL_DIR: modelDir, STEPS: String(size.engineSteps) },
  });
  try {
    await child.waitFor('result ', 180_000);
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
    peaks.add('(e)', { [`${label} (tiny, node)`]: measured.peakRssMiB });
    return {
      stepMs: round(median(measured.stepMs), 2),
      firstStepMs: round(measured.firstStepMs, 2),
      totalMs: round(measured.totalMs, 1),
      loadMs: round(measured.loadMs, 1),
      steps: size.engineSteps,
    };
  } finally {
    await child.stop();
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
