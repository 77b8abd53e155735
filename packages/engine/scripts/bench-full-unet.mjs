#!/usr/bin/env node
// `pnpm bench:full-unet`: the full-size SDXL base UNet step on random fp32 weights against
// diffusers' output for the same weights and inputs (test/full-size-unet/reference.safetensors,
// written by scripts/full_unet_reference.py). Writes the 10.3 GB weight file from its seed into a
// temporary folder (or uses GPUQ_FULL_UNET_DIR, a folder holding unet/config.json and the weights),
// runs `gpuq_bench --full-unet step`, keeps the JSON (step time, peak RSS, max difference) under
// bench/results/ and deletes the weights it wrote. Needs about 11 GiB of free RAM: not run in CI.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchBinary, pkgDir } from './bench-binary.mjs';

const bin = benchBinary();
const needGiB = 11;
if (freemem() < needGiB * 2 ** 30) {
  console.error(
    `[engine] only ${(freemem() / 2 ** 30).toFixed(1)} GiB free (< ${needGiB}): not running the full-size UNet`,
  );
  process.exit(1);
}
const reference = join(pkgDir, 'test', 'full-size-unet', 'reference.safetensors');
const given = process.env.GPUQ_FULL_UNET_DIR;
const dir = given ?? mkdtempSync(join(tmpdir(), 'gpuq-full-unet-'));
const run = (args) => execFileSync(bin, args, { stdio: 'inherit' });
try {
  if (!given) {
    mkdirSync(join(dir, 'unet'));
    copyFileSync(
      join(pkgDir, 'test', 'real-configs', 'stable-diffusion-xl-base-1.0', 'unet', 'config.json'),
      join(dir, 'unet', 'config.json'),
    );
    run(['--full-unet', 'write', dir]);
  }
  const outDir = join(pkgDir, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  run([
    '--full-unet',
    'step',
    dir,
    reference,
    '--json',
    join(outDir, `full-unet-vs-diffusers-cpu-${cpus().length}c-${stamp}.json`),
  ]);
} catch (err) {
  // gpuq_bench printed its own message (a missing folder, or FAIL with the difference).
  process.exitCode = err.status ?? 1;
} finally {
  if (!given) rmSync(dir, { recursive: true, force: true });
}
