/**
 * The migration files in the Supabase CLI layout: `supabase/migrations/<14-digit version>_<name>.sql`,
 * applied in version order. Other files in the folder are ignored.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MigrationFile {
  /** The 14-digit timestamp that orders migrations. */
  version: string;
  name: string;
  sql: string;
  /** SHA-256 of the file, recorded when applied, so an edited migration is noticed. */
  checksum: string;
}

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
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    }),
  );
}
