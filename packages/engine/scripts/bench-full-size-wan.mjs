#!/usr/bin/env node
// `pnpm bench:full-size-wan`: one forward of the full-size WAN 2.1 T2V 1.3B transformer on the CPU,
// from random fp32 weights in the published sharded layout (the real shard file names and index,
// test/real-configs/Wan2.1-T2V-1.3B-Diffusers/transformer/), against diffusers' output for the same
// weights and inputs (test/full-size-wan/, written by scripts/full_size_wan_reference.py). Writes
// the 5.7 GB of shards from their seed into a temporary folder (or uses GPUQ_FULL_SIZE_WAN_DIR, a
// folder holding transformer/ with config, index and shards), runs `gpuq_bench --full-size-wan
// check`, keeps the JSON (time, peak RSS, max difference) under bench/results/ and deletes the
// weights it wrote. Needs about 6 GiB of free RAM (peak RSS 5.3 GiB): not run in CI.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, freemem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchBinary, pkgDir } from './bench-binary.mjs';

const bin = benchBinary();
const needGiB = 6;
if (freemem() < needGiB * 2 ** 30) {
  console.error(
    `[engine] only ${(freemem() / 2 ** 30).toFixed(1)} GiB free (< ${needGiB}): not running the full-size WAN step`,
  );
  process.exit(1);
}
const reference = join(pkgDir, 'test', 'full-size-wan', 'transformer_step.safetensors');
const realConfig = join(pkgDir, 'test', 'real-configs', 'Wan2.1-T2V-1.3B-Diffusers', 'transformer');
const given = process.env.GPUQ_FULL_SIZE_WAN_DIR;
const dir = given ?? mkdtempSync(join(tmpdir(), 'gpuq-full-size-wan-'));
const run = (args) => execFileSync(bin, args, { stdio: 'inherit' });
try {
  if (!given) {
    mkdirSync(join(dir, 'transformer'));
    for (const file of ['config.json', 'diffusion_pytorch_model.safetensors.index.json']) {
      copyFileSync(join(realConfig, file), join(dir, 'transformer', file));
    }
    run(['--full-size-wan', 'write', dir]);
  }
  const outDir = join(pkgDir, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = join(outDir, `full-size-wan-1.3b-cpu-${cpus().length}c-${stamp}.json`);
  const compare = existsSync(reference) ? ['--reference', reference] : [];
  run(['--full-size-wan', 'check', dir, ...compare, '--json', json]);
} catch (err) {
  // gpuq_bench printed its own message (a missing file, or FAIL with the difference).
  process.exitCode = err.status ?? 1;
} finally {
  if (!given) rmSync(dir, { recursive: true, force: true });
}
