/** The functional suites on a real Postgres (a fresh database for this file). */
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../src/index.js';
import { defineAccountScenarios } from './support/account-scenarios.js';
import { defineDatabaseScenarios } from './support/database-scenarios.js';
import { type OpenedDatabase, openMigratedPostgres } from './support/databases.js';
import { defineOneCallScenarios } from './support/one-call-scenarios.js';
import { defineTaskScenarios } from './support/task-scenarios.js';
import { defineWorkerScenarios } from './support/worker-scenarios.js';

let opened: OpenedDatabase;
beforeAll(async () => {
  opened = await openMigratedPostgres('functional');
});
afterAll(async () => {
  await opened?.close();
});

const getDb = (): Database => opened.db;
defineDatabaseScenarios('postgres', getDb);
defineTaskScenarios('postgres', getDb);
defineWorkerScenarios('postgres', getDb);
defineAccountScenarios('postgres', getDb);
defineOneCallScenarios('postgres', getDb);
