/**
 * Embedded PGlite, the default without DATABASE_URL: migrations apply into a data directory,
 * survive a restart and are not re-applied; then the functional suites run on it. PGlite takes
 * seconds to start, so this file opens it twice in all.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appliedMigrations, type Database, migrate, openDatabase, readMigrationFiles } from '../src/index.js';
import { defineAccountScenarios } from './support/account-scenarios.js';
import { defineDatabaseScenarios } from './support/database-scenarios.js';
import { defineOneCallScenarios } from './support/one-call-scenarios.js';
import { defineTaskScenarios } from './support/task-scenarios.js';
import { defineWorkerScenarios } from './support/worker-scenarios.js';

let dataDir: string;
let db: Database;
let firstRun: Awaited<ReturnType<typeof migrate>>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'gpuq-pglite-'));
  const first = await openDatabase({ dataDir });
  firstRun = await migrate(first);
  await first.close();
  db = await openDatabase({ dataDir });
}, 120_000);

afterAll(async () => {
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('migrations on PGlite', () => {
  it('apply every file into the data directory and are not re-applied after a restart', async () => {
    const files = await readMigrationFiles();
    expect(db.kind).toBe('pglite');
    expect(firstRun.applied).toEqual(files.map((file) => file.version));
    expect(await migrate(db)).toEqual({ applied: [], skipped: files.map((file) => file.version) });
    expect((await appliedMigrations(db)).map((row) => row.version)).toEqual(
      files.map((file) => file.version),
    );
  });
});

const getDb = (): Database => db;
defineDatabaseScenarios('pglite', getDb);
defineTaskScenarios('pglite', getDb);
defineWorkerScenarios('pglite', getDb);
defineAccountScenarios('pglite', getDb);
defineOneCallScenarios('pglite', getDb);
