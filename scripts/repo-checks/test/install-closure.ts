/**
 * What installing one workspace package brings onto a machine: its dependencies and optional
 * dependencies, then theirs, through the folders pnpm linked them into. Following the links
 * rather than package.json alone also catches a peer that pnpm resolved from elsewhere in the
 * workspace (an optional peer of a shared dependency is installed wherever that dependency is).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Each package reached, with the chain of names that brought it in. */
export type InstallClosure = Map<string, readonly string[]>;

export function installClosure(packageDir: string): InstallClosure {
  const closure: InstallClosure = new Map();
  const seenDirs = new Set<string>();
  const visit = (dir: string, chain: readonly string[]) => {
    const real = realpathSync(dir);
    if (seenDirs.has(real)) return;
    seenDirs.add(real);
    const manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as Manifest;
    const wanted = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.optionalDependencies ?? {}),
      // Peers count only where pnpm linked one beside the package.
      ...Object.keys(manifest.peerDependencies ?? {}),
    ];
    for (const name of wanted) {
      const found = findInstalled(real, name);
      if (!found) continue;
      const via = [...chain, name];
      if (!closure.has(name)) closure.set(name, via);
      visit(found, via);
    }
  };
  visit(packageDir, [JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).name]);
  return closure;
}

/**
 * Node's lookup: `node_modules/<name>` in the package's folder, then in each folder above, less
 * pnpm's hoisted fallback (`.pnpm/node_modules`), which holds every package of the whole workspace
 * and so says nothing about what this one package brings.
 */
function findInstalled(fromDir: string, name: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (basename(dir) === '.pnpm') continue;
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}
