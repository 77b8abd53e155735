/**
 * The migration files in the Supabase CLI layout: `supabase/migrations/<14-digit version>_<name>.sql`,
 * applied in version order. Other files in the folder are ignored.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executableSql } from './executable-sql.js';

export interface MigrationFile {
  /** The 14-digit timestamp that orders migrations. */
  version: string;
  name: string;
  sql: string;
  /** SHA-256 of the whole file, comments included: all that migrators before `sqlChecksum` recorded. */
  fileChecksum: string;
  /**
   * SHA-256 of the SQL that runs (see executable-sql.ts), recorded when applied, so that a changed
   * migration is noticed while an edit of its comments is not.
   */
  sqlChecksum: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const FILE_NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

/** The repository's `supabase/migrations`, found from this module in src/ or dist/ alike. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(
  new URL('../../../../supabase/migrations', import.meta.url),
);

export async function readMigrationFiles(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((name) => FILE_NAME.test(name)).sort();
  return Promise.all(
    names.map(async (fileName) => {
      const [, version, name] = FILE_NAME.exec(fileName) as RegExpExecArray;
      const sql = await readFile(join(dir, fileName), 'utf8');
      return {
        version: version as string,
        name: name as string,
        sql,
        fileChecksum: sha256(sql),
        sqlChecksum: sha256(executableSql(sql)),
      };
    }),
  );
}
