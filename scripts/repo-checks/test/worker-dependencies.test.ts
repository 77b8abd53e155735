/**
 * A GPU worker host installs a worker app and what it depends on, and nothing of the database:
 * no @gpuq/db, no Postgres client, no PGlite. The api's closure is checked to hold them, so a walk
 * that found nothing could not pass.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { installClosure } from './install-closure.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const DATABASE_PACKAGES = ['@gpuq/db', 'pg', '@electric-sql/pglite'];

describe('what a worker app installs', () => {
  it.each(['apps/sdxl-worker', 'apps/wan-worker'])('%s carries no database code', (app) => {
    const closure = installClosure(`${root}${app}`);
    const found = DATABASE_PACKAGES.filter((name) => closure.has(name)).map(
      (name) => `${name} (via ${closure.get(name)?.join(' → ')})`,
    );
    expect(found).toEqual([]);
    // The worker runtime and the callback client are what a worker does need.
    expect(closure.has('@gpuq/worker-runtime')).toBe(true);
    expect(closure.has('@gpuq/callback-client')).toBe(true);
  });

  it('finds the database packages where they are installed (queue-api)', () => {
    const closure = installClosure(`${root}apps/queue-api`);
    for (const name of DATABASE_PACKAGES) expect(closure.has(name), name).toBe(true);
  });
});
