/**
 * No module of the workspace imports itself back through others, type-only imports included:
 * dependency-cruiser walks every TypeScript file of the apps, packages and scripts, resolving
 * workspace packages to their sources as the tests and tsc do (the `source` export condition).
 */
import { fileURLToPath } from 'node:url';
import { cruise, type IModule } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

async function workspaceModules(): Promise<IModule[]> {
  const { output } = await cruise(
    ['apps', 'packages', 'bench', 'scripts'],
    {
      baseDir: root,
      includeOnly: '^(apps|packages|bench|scripts)/',
      exclude: { path: '/(node_modules|dist|build)/' },
      tsPreCompilationDeps: true,
      ruleSet: {
        forbidden: [{ name: 'no-circular', severity: 'error', from: {}, to: { circular: true } }],
      },
      validate: true,
    },
    {
      conditionNames: ['source', 'import', 'node', 'default'],
      extensionAlias: { '.js': ['.ts', '.js'] },
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
  );
  if (typeof output === 'string') throw new Error('dependency-cruiser returned text, not a result');
  return output.modules;
}

describe('the import graph', () => {
  it('has no cycles', async () => {
    const modules = await workspaceModules();
    // Each cycle is reported from every module on it; one line per set of modules is enough.
    const cycles = new Map<string, string>();
    for (const module of modules) {
      for (const dependency of module.dependencies.filter((candidate) => candidate.circular)) {
        const steps = [module.source, ...(dependency.cycle ?? []).map((step) => step.name)];
        const key = [...new Set(steps)].sort().join('|');
        if (!cycles.has(key)) cycles.set(key, steps.join(' → '));
      }
    }
    expect([...cycles.values()]).toEqual([]);
    // A graph that resolved nothing would have no cycles either: the api's entry must reach the
    // database package's sources through the workspace link.
    const main = modules.find((module) => module.source === 'apps/queue-api/src/main.ts');
    expect(main?.dependencies.length).toBeGreaterThan(0);
    expect(modules.some((module) => module.source === 'packages/db/src/index.ts')).toBe(true);
  }, 120_000);
});
