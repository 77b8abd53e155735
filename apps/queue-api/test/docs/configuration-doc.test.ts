/**
 * docs/CONFIGURATION.md is generated from the settings schemas: a variable added, removed or
 * re-described in an `env.ts` without regenerating the file fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configurationDocPath, renderConfigurationDoc } from '../../scripts/configuration-doc.ts';

describe('docs/CONFIGURATION.md', () => {
  const rendered = renderConfigurationDoc();

  it('is what the settings schemas generate (regenerate with `pnpm docs:config`)', () => {
    const committed = readFileSync(configurationDocPath, 'utf8');
    expect(
      committed === rendered,
      'docs/CONFIGURATION.md is stale: run `pnpm docs:config` at the repository root and commit the result',
    ).toBe(true);
  });

  it('documents every variable with a description, validation and default', () => {
    const rows = rendered.split('\n').filter((line) => /^\| `[A-Z0-9_]+` \|.*\|.*\|.*\|/.test(line));
    expect(rows.length).toBeGreaterThan(50);
    for (const row of rows) {
      const [, name, validation, byDefault, description] = row.split(/(?<!\\)\|/).map((cell) => cell.trim());
      expect(validation, name).not.toBe('');
      expect(byDefault, name).not.toBe('');
      expect(description, `${name} has no doc comment in its env.ts`).not.toBe('');
    }
    expect(rendered).toContain('| `MAX_JOBS_IN_FLIGHT` | integer, > 0 | `10` |');
    expect(rendered).toContain('| `WORKER_STORAGE` | one of `local`, `api` | `local` |');
    expect(rendered).toContain('| `BULL_BOARD` | flag | `true` |');
  });
});
