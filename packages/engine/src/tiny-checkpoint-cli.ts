#!/usr/bin/env node
/**
 * gpuq-tiny-checkpoint <dir> [seed]: writes the random-weight tiny SDXL checkpoint (diffusers
 * layout, with tokenizer files) that the demo runs when no real weights are configured.
 * Relative paths resolve against the directory the command was started from.
 */
import { resolve } from 'node:path';
import { EngineError } from './engine-error.js';
import { createTinyCheckpoint } from './tiny-checkpoint.js';

const [dir, seed] = process.argv.slice(2);
if (!dir) {
  console.error('usage: gpuq-tiny-checkpoint <dir> [seed]');
  process.exitCode = 2;
} else {
  try {
    const out = await createTinyCheckpoint(resolve(process.env.INIT_CWD ?? process.cwd(), dir), {
      seed: seed === undefined ? 0 : Number(seed),
    });
    process.stdout.write(`${out}\n`);
  } catch (err) {
    const e = err instanceof EngineError ? err : EngineError.fromNative(err, 'gpuq-tiny-checkpoint');
    console.error(`[${e.code}] ${e.message}`);
    process.exitCode = 2;
  }
}
