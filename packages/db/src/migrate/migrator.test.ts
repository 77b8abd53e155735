/**
 * The migrator on a real Postgres: applies every file once, in order, each in its own
 * transaction; a second run (or a concurrent one) applies nothing; a failing file is rolled back
 * and not recorded; an applied file whose SQL changed is refused, one whose comments alone changed
 * is not; a database migrated when whole files were checksummed starts and is given SQL checksums.
 * The bootstrap leaves what a Supabase project already has alone.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../database/database.js';
import { openDatabase } from '../database/open-database.js';
import { MigrationError } from '../errors/migration-error.js';
import { COMMENT_EDITS } from './comment-edits.js';
import { executableSql } from './executable-sql.js';
import { DEFAULT_MIGRATIONS_DIR, type MigrationFile, readMigrationFiles } from './migration-files.js';
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

/** Rewrites one migration in `dir`, failing the test if `change` leaves the file as it was. */
async function rewrite(dir: string, version: string, change: (sql: string) => string): Promise<void> {
  const file = files.find((candidate) => candidate.version === version) as MigrationFile;
  const path = join(dir, `${file.version}_${file.name}.sql`);
  const before = await readFile(path, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  await writeFile(path, after);
}

/**
 * Puts the tracking table back as the migrator before SQL checksums left it: no sql_checksum
 * column, and each row's checksum SHA-256 of the whole file it applied, which for a file whose
 * comments were edited since is the checksum of its earlier text.
 */
async function recordAsWholeFileMigrator(db: Database): Promise<void> {
  await db.exec('alter table gpuq_migrations.applied drop column sql_checksum');
  for (const file of files) {
    const edit = COMMENT_EDITS.find((candidate) => candidate.version === file.version);
    await db.query('update gpuq_migrations.applied set checksum = $2 where version = $1', [
      file.version,
      edit?.fileChecksum ?? file.fileChecksum,
    ]);
  }
}

let files: MigrationFile[];
let versions: string[];
beforeAll(async () => {
  files = await readMigrationFiles();
  versions = files.map((file) => file.version);
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

  it('accepts an applied migration whose comments alone were reworded', async () => {
    const db = migrated;
    const dir = await copyOfMigrations();
    await rewrite(dir, '20261125002900', (sql) => {
      expect(sql.startsWith('-- apply_job_callback:')).toBe(true);
      return `-- A reworded header,\n-- now two lines longer,\n${sql.replace('-- apply_job_callback:', '/* a block */ -- apply_job_callback, reworded:')}\n/* and a note at the end */\n`;
    });
    expect(await migrate(db, { migrationsDir: dir })).toEqual({ applied: [], skipped: versions });
  });

  it('refuses an applied migration whose SQL changed', async () => {
    const db = migrated;
    const dir = await copyOfMigrations();
    await rewrite(dir, versions[0] as string, (sql) => `${sql}\nselect 1;\n`);
    const error = await migrate(db, { migrationsDir: dir }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MigrationError);
    expect(error).toMatchObject({
      version: versions[0],
      message: expect.stringMatching(/edited after it was applied/),
    });
  });

  it('refuses a change inside a function body even where it looks like a comment', async () => {
    const db = migrated;
    const dir = await copyOfMigrations();
    await rewrite(dir, '20261125002900', (sql) =>
      sql.replace('-- The lock makes a retried callback', '-- The lock lets a retried callback'),
    );
    await expect(migrate(db, { migrationsDir: dir })).rejects.toMatchObject({
      version: '20261125002900',
      message: expect.stringMatching(/edited after it was applied/),
    });
  });

  it('keeps every function body Postgres stored, the comments in it included', async () => {
    const { rows } = await migrated.query<{ name: string; body: string }>(
      `select p.oid::regprocedure::text as name, p.prosrc as body
         from pg_proc p join pg_language l on l.oid = p.prolang
        where l.lanname in ('plpgsql', 'sql')
          and p.pronamespace::regnamespace::text not in ('pg_catalog', 'information_schema')`,
    );
    expect(rows.filter((row) => row.body.includes('--')).length).toBeGreaterThan(0);
    const executable = files.map((file) => executableSql(file.sql)).join('\n');
    expect(rows.filter((row) => !executable.includes(row.body)).map((row) => row.name)).toEqual([]);
  });

  it('starts a database migrated when whole files were checksummed, comment edits since included, and records SQL checksums', async () => {
    const db = migrated;
    expect(COMMENT_EDITS.length).toBeGreaterThan(0);
    await recordAsWholeFileMigrator(db);
    expect(await migrate(db)).toEqual({ applied: [], skipped: versions });
    const { rows } = await db.query<{ version: string; sql_checksum: string }>(
      'select version, sql_checksum from gpuq_migrations.applied order by version',
    );
    expect(rows).toEqual(files.map((file) => ({ version: file.version, sql_checksum: file.sqlChecksum })));
    // Upgraded rows are compared by SQL checksum from now on, so a comment edit needs no list.
    const dir = await copyOfMigrations();
    await rewrite(dir, versions[0] as string, (sql) => `-- reworded\n${sql}`);
    expect(await migrate(db, { migrationsDir: dir })).toEqual({ applied: [], skipped: versions });
  });

  it('still refuses, on such a database, a file whose SQL changed since it was applied', async () => {
    const db = migrated;
    const listed = COMMENT_EDITS[0]?.version as string;
    const unlisted = versions.find(
      (version) => !COMMENT_EDITS.some((edit) => edit.version === version),
    ) as string;
    for (const [version, change] of [
      [listed, (sql: string) => sql.replace(/;\s*$/, ';\nselect 1;\n')],
      [unlisted, (sql: string) => `${sql}\nselect 1;\n`],
    ] as const) {
      await recordAsWholeFileMigrator(db);
      const dir = await copyOfMigrations();
      await rewrite(dir, version, change);
      await expect(migrate(db, { migrationsDir: dir })).rejects.toMatchObject({ version });
    }
    // A recorded checksum that is neither the file's nor a listed earlier text's.
    await recordAsWholeFileMigrator(db);
    await db.query("update gpuq_migrations.applied set checksum = repeat('0', 64) where version = $1", [
      unlisted,
    ]);
    await expect(migrate(db)).rejects.toMatchObject({ version: unlisted });
    await db.query('update gpuq_migrations.applied set checksum = $2 where version = $1', [
      unlisted,
      files.find((file) => file.version === unlisted)?.fileChecksum,
    ]);
    expect(await migrate(db)).toEqual({ applied: [], skipped: versions });
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
