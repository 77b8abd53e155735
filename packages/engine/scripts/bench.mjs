#!/usr/bin/env node
// `pnpm bench` for the engine: runs build/gpuq_bench (one SDXL UNet step, batch 2 for CFG, at a
// 32x32 latent, on the tiny checkpoint and on a full-size SDXL-shaped UNet with random fp32
// weights, next to the sgemm rate measured in the same run) and keeps the JSON under
// bench/results/. The full-size UNet needs about 10 GiB of RAM; with less available, or with
// GPUQ_BENCH_TINY_ONLY=1, only the tiny model runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus, freemem } from 'node:os';
import { join } from 'node:path';
import { benchBinary, pkgDir } from './bench-binary.mjs';

const bin = benchBinary();
const args = [
  '--latent',
  process.env.GPUQ_BENCH_LATENT ?? '32',
  '--runs',
  process.env.GPUQ_BENCH_RUNS ?? '2',
];
const needGiB = 11;
if (process.env.GPUQ_BENCH_TINY_ONLY === '1' || freemem() < needGiB * 2 ** 30) {
  if (process.env.GPUQ_BENCH_TINY_ONLY !== '1') {
    console.warn(
      `[engine] only ${(freemem() / 2 ** 30).toFixed(1)} GiB free (< ${needGiB}): skipping the full-size UNet`,
    );
  }
  args.push('--tiny-only');
}
const outDir = join(pkgDir, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const out = join(outDir, `cpu-${cpus().length}c-${stamp}.json`);
execFileSync(bin, [...args, '--json', out], { stdio: 'inherit' });
