/**
 * Migrated databases for the suites: a fresh Postgres database per test file (from
 * @gpuq/testing) or an embedded PGlite, each closed and dropped by the returned `close`.
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@gpuq/testing';
import {
  type Database,
  ensureDefaultProject,
  ensureProfile,
  migrate,
  openDatabase,
} from '../../src/index.js';

export interface OpenedDatabase {
  db: Database;
  /** Connection string (Postgres only). */
  url?: string;
  close(): Promise<void>;
}

/** Pools stay small: CI has two cores shared by every suite. */
export async function openMigratedPostgres(label: string, poolSize = 4): Promise<OpenedDatabase> {
  const testDb = await createTestDatabase(label);
  const db = await openDatabase({ url: testDb.url, poolSize });
  await migrate(db);
  return {
    db,
    url: testDb.url,
    async close() {
      await db.close();
      await testDb.drop();
    },
  };
}

export async function openMigratedPGlite(dataDir = 'memory://'): Promise<OpenedDatabase> {
  const db = await openDatabase({ dataDir });
  await migrate(db);
  return { db, close: () => db.close() };
}

export interface TestUser {
  userId: string;
  projectId: string;
}

/** A new user with a profile holding `credits` and a default project. */
export async function newUser(db: Database, credits = 100): Promise<TestUser> {
  const userId = randomUUID();
  await ensureProfile(db, { userId, signupCredits: credits });
  const project = await ensureDefaultProject(db, { userId });
  return { userId, projectId: project.id };
}
