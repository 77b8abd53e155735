#!/usr/bin/env node
// `pnpm bench:full-size`: the full-size SDXL base UNet step and VAE decode on random fp32 weights
// against diffusers' outputs for the same weights and inputs (test/full-size-sdxl/, written by
// scripts/full_size_reference.py). Writes the weight files (10.3 GB UNet, 335 MB VAE) from their
// seed into a temporary folder (or uses GPUQ_FULL_SIZE_DIR, a folder holding unet/ and vae/ with
// config.json and weights), runs `gpuq_bench --full-size check`, keeps the JSON (times, peak RSS,
// max differences) under bench/results/ and deletes the weights it wrote. Needs about 11 GiB of
// free RAM: not run in CI.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchBinary, pkgDir } from './bench-binary.mjs';

const bin = benchBinary();
const needGiB = 11;
if (freemem() < needGiB * 2 ** 30) {
  console.error(
    `[engine] only ${(freemem() / 2 ** 30).toFixed(1)} GiB free (< ${needGiB}): not running the full-size check`,
  );
  process.exit(1);
}
const references = join(pkgDir, 'test', 'full-size-sdxl');
const realConfigs = join(pkgDir, 'test', 'real-configs', 'stable-diffusion-xl-base-1.0');
const given = process.env.GPUQ_FULL_SIZE_DIR;
const dir = given ?? mkdtempSync(join(tmpdir(), 'gpuq-full-size-'));
const run = (args) => execFileSync(bin, args, { stdio: 'inherit' });
try {
  if (!given) {
    for (const component of ['unet', 'vae']) {
      mkdirSync(join(dir, component));
      copyFileSync(join(realConfigs, component, 'config.json'), join(dir, component, 'config.json'));
    }
    run(['--full-size', 'write', dir]);
  }
  const outDir = join(pkgDir, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = join(outDir, `full-size-sdxl-vs-diffusers-cpu-${cpus().length}c-${stamp}.json`);
  run(['--full-size', 'check', dir, references, '--json', json]);
} catch (err) {
  // gpuq_bench printed its own message (a missing folder, or FAIL with the difference).
  process.exitCode = err.status ?? 1;
} finally {
  if (!given) rmSync(dir, { recursive: true, force: true });
}
