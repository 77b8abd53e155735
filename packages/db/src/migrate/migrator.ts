/**
 * The project's own migrator: applies each pending migration file once, in version order, each in
 * its own transaction, and records it in `gpuq_migrations.applied` (version, name, checksums, when).
 *
 * A transaction-scoped advisory lock serialises migrators, so several api instances starting at
 * once apply each file exactly once; the "already applied?" check is made under that lock. An
 * applied file whose SQL changed is refused: migrations are append-only, a fix is a new file.
 *
 * Checksums. A row holds two. `sql_checksum` is SHA-256 of the SQL that runs, comments left out
 * (executable-sql.ts): this migrator compares it, so a comment in an applied file may be reworded.
 * `checksum` is SHA-256 of the whole file as applied: all that earlier migrators recorded and
 * compared, still written so that an instance rolled back to one of them starts as before.
 *
 * Rows written by an earlier migrator have no `sql_checksum` (the column is added here,
 * idempotently). Such a row is accepted when its `checksum` is the file's whole-file checksum (the
 * file is as it was applied), or when comment-edits.ts lists that checksum as an earlier text of
 * the file with the SQL the file has now (its comments were edited since: the earlier text is gone,
 * so only that list can vouch for it). An accepted row is given its `sql_checksum` there and then,
 * so the list is consulted only on a database's first start under this migrator; any other row is
 * refused as edited.
 */
import type { Database } from '../database/database.js';
import { withoutTimeouts } from '../database/deadline.js';
import { MigrationError } from '../errors/migration-error.js';
import { COMMENT_EDITS } from './comment-edits.js';
import { DEFAULT_MIGRATIONS_DIR, type MigrationFile, readMigrationFiles } from './migration-files.js';

export interface MigrateOptions {
  /** Folder of `<version>_<name>.sql` files. Default: the repository's supabase/migrations. */
  migrationsDir?: string;
  /** Called after each file is applied (start-up logging). */
  onApplied?: (migration: { version: string; name: string; ms: number }) => void;
}

export interface MigrateReport {
  applied: string[];
  /** Versions found already applied. */
  skipped: string[];
}

// Any constant works; this one spells "gpuq" so it is recognisable in pg_locks.
const LOCK_KEY = 0x67707571;

const TRACKING_TABLE = `
  create schema if not exists gpuq_migrations;
  revoke all on schema gpuq_migrations from public;
  create table if not exists gpuq_migrations.applied (
    version text primary key,
    name text not null,
    checksum text not null,
    applied_at timestamptz not null default now()
  );
  alter table gpuq_migrations.applied add column if not exists sql_checksum text;`;

/** Whether a row recorded by a migrator before SQL checksums stands for the file as it is now. */
function matchesWholeFileRecord(file: MigrationFile, recordedChecksum: string): boolean {
  if (recordedChecksum === file.fileChecksum) return true;
  return COMMENT_EDITS.some(
    (edit) =>
      edit.version === file.version &&
      edit.fileChecksum === recordedChecksum &&
      edit.sqlChecksum === file.sqlChecksum,
  );
}

async function applyOne(db: Database, file: MigrationFile): Promise<'applied' | 'skipped'> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const { rows } = await tx.query<{ checksum: string; sql_checksum: string | null }>(
      'select checksum, sql_checksum from gpuq_migrations.applied where version = $1',
      [file.version],
    );
    const recorded = rows[0];
    if (recorded) {
      const unchanged =
        recorded.sql_checksum === null
          ? matchesWholeFileRecord(file, recorded.checksum)
          : recorded.sql_checksum === file.sqlChecksum;
      if (!unchanged) {
        throw new MigrationError(
          `migration ${file.version}_${file.name} was edited after it was applied (its SQL, not only comments); add a new migration instead`,
          file.version,
        );
      }
      if (recorded.sql_checksum === null) {
        await tx.query('update gpuq_migrations.applied set sql_checksum = $2 where version = $1', [
          file.version,
          file.sqlChecksum,
        ]);
      }
      return 'skipped';
    }
    await tx.exec(file.sql);
    await tx.query(
      'insert into gpuq_migrations.applied (version, name, checksum, sql_checksum) values ($1, $2, $3, $4)',
      [file.version, file.name, file.fileChecksum, file.sqlChecksum],
    );
    return 'applied';
  });
}

export async function migrate(db: Database, options: MigrateOptions = {}): Promise<MigrateReport> {
  // An index build or a wait on another instance's migration lock may outlast any statement timeout.
  return withoutTimeouts(() => migrateBounded(db, options));
}

async function migrateBounded(db: Database, options: MigrateOptions): Promise<MigrateReport> {
  const files = await readMigrationFiles(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  await db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await tx.exec(TRACKING_TABLE);
  });
  const report: MigrateReport = { applied: [], skipped: [] };
  for (const file of files) {
    const started = performance.now();
    let outcome: 'applied' | 'skipped';
    try {
      outcome = await applyOne(db, file);
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      const code = (error as { code?: unknown }).code;
      throw new MigrationError(
        `migration ${file.version}_${file.name} failed and was rolled back: ${(error as Error).message}`,
        file.version,
        { cause: error, code: typeof code === 'string' ? code : undefined },
      );
    }
    report[outcome].push(file.version);
    if (outcome === 'applied') {
      options.onApplied?.({ version: file.version, name: file.name, ms: performance.now() - started });
    }
  }
  return report;
}

/** What the tracking table says was applied, oldest first. */
export async function appliedMigrations(
  db: Database,
): Promise<Array<{ version: string; name: string; appliedAt: Date }>> {
  const { rows } = await db.query<{ version: string; name: string; applied_at: Date }>(
    `select version, name, applied_at from gpuq_migrations.applied order by version`,
  );
  return rows.map((row) => ({ version: row.version, name: row.name, appliedAt: row.applied_at }));
}
