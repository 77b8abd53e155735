/**
 * The migrator on a real Postgres: applies every file once, in order, each in its own
 * transaction; a second run (or a concurrent one) applies nothing; a failing file is rolled back
 * and not recorded; an applied file that was edited is refused. The bootstrap leaves what a
 * Supabase project already has alone.
 */
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../database/database.js';
import { openDatabase } from '../database/open-database.js';
import { MigrationError } from '../errors/migration-error.js';
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from './migration-files.js';
import { appliedMigrations, migrate } from './migrator.js';

const opened: Array<{ db: Database; testDb: TestDatabase }> = [];
const tempDirs: string[] = [];

async function freshDatabase(): Promise<Database> {
  const testDb = await createTestDatabase('migrator');
  const db = await openDatabase({ url: testDb.url, poolSize: 3 });
  opened.push({ db, testDb });
  return db;
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'gpuq-migrations-'));
  tempDirs.push(dir);
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

let versions: string[];
beforeAll(async () => {
  versions = (await readMigrationFiles()).map((file) => file.version);
});

afterAll(async () => {
  for (const { db, testDb } of opened) {
    await db.close();
    await testDb.drop();
  }
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

describe('migrate on Postgres', () => {
  // Databases take a while to create and drop on a busy CI machine: the tests that only add
  // files share the one this first test migrates.
  let migrated: Database;

  it('applies every migration in order on an empty database, then nothing on a second run', async () => {
    const db = await freshDatabase();
    migrated = db;
    expect(versions.length).toBeGreaterThan(10);
    expect([...versions].sort()).toEqual(versions);
    expect(await migrate(db)).toEqual({ applied: versions, skipped: [] });
    expect(await migrate(db)).toEqual({ applied: [], skipped: versions });
    expect((await appliedMigrations(db)).map((row) => row.version)).toEqual(versions);
  });

  it('applies each migration once when several migrators start together', async () => {
    const db = await freshDatabase();
    const reports = await Promise.all([migrate(db), migrate(db), migrate(db)]);
    expect(reports.flatMap((report) => report.applied).sort()).toEqual(versions);
  });

  it('rolls back a failing migration, records nothing of it and names it', async () => {
    const db = migrated;
    const dir = await copyOfMigrations();
    await writeFile(
      join(dir, '29991231000000_broken.sql'),
      'create table public.half_done (id int);\nselect * from public.no_such_table;\n',
    );
    const error = await migrate(db, { migrationsDir: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({ version: '29991231000000', code: '42P01' });
    const leftover = await db.query("select to_regclass('public.half_done') as t");
    expect(leftover.rows[0]).toEqual({ t: null });
    expect((await appliedMigrations(db)).map((row) => row.version)).toEqual(versions);
  });

  it('refuses an applied migration that was edited since', async () => {
    const db = migrated;
    const dir = await copyOfMigrations();
    expect((await migrate(db, { migrationsDir: dir })).applied).toEqual([]);
    const [first] = (await readdir(dir)).sort();
    await writeFile(join(dir, first as string), '-- edited\n', { flag: 'a' });
    await expect(migrate(db, { migrationsDir: dir })).rejects.toThrow(/edited after it was applied/);
  });

  it("keeps a Supabase project's own auth functions and roles, and fills its realtime publication", async () => {
    const db = await freshDatabase();
    // What Supabase provides before any migration of ours runs.
    await db.exec(`
      create schema auth;
      create table auth.users (id uuid primary key, email text);
      create function auth.uid() returns uuid language sql stable
        as $$ select '00000000-0000-0000-0000-00000000abcd'::uuid $$;
      create publication supabase_realtime;`);
    await migrate(db);
    const published = await db.query<{ tablename: string }>(
      "select tablename from pg_publication_tables where pubname = 'supabase_realtime' order by 1",
    );
    expect(published.rows.map((row) => row.tablename)).toEqual(['generations', 'images', 'tasks', 'videos']);
    const uid = await db.query<{ uid: string }>('select auth.uid() as uid');
    expect(uid.rows[0]?.uid).toBe('00000000-0000-0000-0000-00000000abcd');
    const roles = await db.query<{ rolname: string; rolbypassrls: boolean }>(
      "select rolname, rolbypassrls from pg_roles where rolname in ('anon', 'authenticated', 'service_role') order by 1",
    );
    expect(roles.rows).toEqual([
      { rolname: 'anon', rolbypassrls: false },
      { rolname: 'authenticated', rolbypassrls: false },
      { rolname: 'service_role', rolbypassrls: true },
    ]);
  });
});
