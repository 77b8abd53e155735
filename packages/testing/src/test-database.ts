/**
 * A fresh Postgres database for one test file, created from the server at TEST_DATABASE_URL and
 * dropped (connections closed first) when the file is done.
 */
import { execFileSync } from 'node:child_process';
import { TEST_DATABASE_URL, uniqueSuffix } from './services.js';

export interface TestDatabase {
  /** Connection string of the new, empty database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

function adminSql(sql: string): void {
  // psql keeps this package free of a driver dependency; every test machine has it with Postgres.
  execFileSync('psql', [TEST_DATABASE_URL, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { stdio: 'pipe' });
}

export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const name = `gpuq_${label}_${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  adminSql(`create database ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      adminSql(`drop database if exists ${name} with (force)`);
    },
  };
}
