#!/usr/bin/env node
// Runs the core's C++ tests (ctest) from the package's test script. Fails when the native build
// is missing, so `pnpm test` never passes silently without having run them.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const buildDir = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'build');
if (!existsSync(join(buildDir, 'CTestTestfile.cmake'))) {
  console.error('[engine] no native build: run `pnpm --filter @gpuq/engine build` first');
  process.exit(1);
}
execFileSync('ctest', ['--test-dir', buildDir, '--output-on-failure'], { stdio: 'inherit' });
