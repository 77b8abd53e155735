#!/usr/bin/env node
/**
 * gpuq-check-model <model-dir> (the root `pnpm check-model`). Relative paths resolve against the
 * directory the command was started from (INIT_CWD under pnpm).
 */
import { runCheckModel } from './run-check-model.js';

process.exitCode = await runCheckModel(process.argv.slice(2), {
  cwd: process.env.INIT_CWD ?? process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
});
