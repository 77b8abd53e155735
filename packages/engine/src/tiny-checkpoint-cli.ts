#!/usr/bin/env node
/**
 * gpuq-tiny-checkpoint [--wan | --wan-i2v] <dir> [seed]: writes the random-weight tiny SDXL
 * checkpoint (diffusers layout, with tokenizer files) that the demo runs when no real weights are
 * configured; with --wan, the tiny WAN 2.1 text-to-video checkpoint instead, with --wan-i2v its
 * image-to-video variant.
 * Relative paths resolve against the directory the command was started from.
 */
import { resolve } from 'node:path';
import { EngineError } from './common/engine-error.js';
import { createTinyCheckpoint } from './sdxl/tiny-checkpoint.js';
import { createTinyWanCheckpoint } from './wan/tiny-wan-checkpoint.js';

const args = process.argv.slice(2);
const wan = args[0] === '--wan' || args[0] === '--wan-i2v';
const imageToVideo = args[0] === '--wan-i2v';
const [dir, seed] = wan ? args.slice(1) : args;
if (!dir) {
  console.error('usage: gpuq-tiny-checkpoint [--wan | --wan-i2v] <dir> [seed]');
  process.exitCode = 2;
} else {
  try {
    const target = resolve(process.env.INIT_CWD ?? process.cwd(), dir);
    const options = { seed: seed === undefined ? 0 : Number(seed) };
    const out = wan
      ? await createTinyWanCheckpoint(target, { ...options, imageToVideo })
      : await createTinyCheckpoint(target, options);
    process.stdout.write(`${out}\n`);
  } catch (err) {
    const e = err instanceof EngineError ? err : EngineError.fromNative(err, 'gpuq-tiny-checkpoint');
    console.error(`[${e.code}] ${e.message}`);
    process.exitCode = 2;
  }
}
