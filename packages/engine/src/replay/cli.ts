#!/usr/bin/env node
/**
 * gpuq-replay <fixture-dir> <out-dir> (the root `pnpm replay`). Relative paths resolve against
 * the directory the command was started from (INIT_CWD under pnpm).
 */
import { runReplay } from './run-replay.js';

const code = await runReplay(process.argv.slice(2), {
  cwd: process.env.INIT_CWD ?? process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  device: process.env.GPUQ_DEVICE,
});
process.exitCode = code;
