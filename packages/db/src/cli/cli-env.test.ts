import { describe, expect, it } from 'vitest';
import { describeTarget, parseCliEnv } from './cli-env.js';

describe('db command-line settings', () => {
  it('connect to DATABASE_DIRECT_URL when a transaction pooler is DATABASE_URL', () => {
    const env = parseCliEnv({
      DATABASE_URL: 'postgres://postgres@pooler.example:6543/postgres',
      DATABASE_DIRECT_URL: 'postgres://postgres@db.example:5432/postgres',
    });
    expect(describeTarget(env)).toBe('postgres db.example:5432/postgres');
  });

  it('connect to DATABASE_URL otherwise, and to PGlite without either', () => {
    expect(describeTarget(parseCliEnv({ DATABASE_URL: 'postgres://postgres@db.example/gpuq' }))).toBe(
      'postgres db.example/gpuq',
    );
    expect(describeTarget(parseCliEnv({ GPUQ_DATA_DIR: '/srv/gpuq' }))).toBe(
      'embedded PGlite in /srv/gpuq/pglite',
    );
  });
});
