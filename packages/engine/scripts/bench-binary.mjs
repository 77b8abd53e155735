// What the bench scripts share: the package folder and build/gpuq_bench, which must be built first.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const pkgDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** build/gpuq_bench, or exit 1 naming the build command when it is missing. */
export function benchBinary() {
  const bin = join(pkgDir, 'build', 'gpuq_bench');
  if (!existsSync(bin)) {
    console.error('[engine] build/gpuq_bench missing: run `pnpm --filter @gpuq/engine build` first');
    process.exit(1);
  }
  return bin;
}
