#!/usr/bin/env node
// Configures and builds the native core, its C++ tests and the N-API addon with CMake.
// Node headers come from the local installation (no download): <node prefix>/include/node,
// or NODE_INCLUDE_DIR. Parallelism: GPUQ_BUILD_JOBS (default 2, the CI machines' core count).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = join(pkgDir, 'build');
const require = createRequire(import.meta.url);

const nodeInclude =
  process.env.NODE_INCLUDE_DIR ?? resolve(dirname(process.execPath), '..', 'include', 'node');
if (!existsSync(join(nodeInclude, 'node_api.h'))) {
  console.error(
    `[engine] Node headers not found at ${nodeInclude}. Install them (Debian: apt-get install libnode-dev, ` +
      'or use a Node.js tarball, which ships include/node) or set NODE_INCLUDE_DIR.',
  );
  process.exit(1);
}
const addonApi = require('node-addon-api').include_dir;
const jobs = process.env.GPUQ_BUILD_JOBS ?? '2';
const extra = (process.env.GPUQ_CMAKE_ARGS ?? '').split(' ').filter(Boolean);

const run = (args) => execFileSync('cmake', args, { stdio: 'inherit', cwd: pkgDir });
run([
  '-S',
  pkgDir,
  '-B',
  buildDir,
  '-DCMAKE_BUILD_TYPE=Release',
  '-DGPUQ_BUILD_ADDON=ON',
  `-DNODE_INCLUDE_DIR=${nodeInclude}`,
  `-DNODE_ADDON_API_DIR=${addonApi}`,
  ...extra,
]);
run(['--build', buildDir, '-j', jobs]);
