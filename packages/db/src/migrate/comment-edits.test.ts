/**
 * Each listed comment edit is true: the old checksum is that of an earlier text of the file in the
 * repository's history (what a database migrated then holds), and that text's SQL is the file's
 * SQL today. A wrong digit here would stop every such database from starting, and only the
 * history can show the earlier text.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMENT_EDITS } from './comment-edits.js';
import { executableSql } from './executable-sql.js';
import { DEFAULT_MIGRATIONS_DIR, readMigrationFiles } from './migration-files.js';

const repoRoot = join(DEFAULT_MIGRATIONS_DIR, '..', '..');
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const git = (...args: string[]): string =>
  execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** Only a full clone holds the earlier texts: a shallow one or an export without .git skips. */
function hasFullHistory(): boolean {
  try {
    return git('rev-parse', '--is-shallow-repository').trim() === 'false';
  } catch {
    return false;
  }
}

describe.skipIf(!hasFullHistory())('the comment edits the migrator accepts', () => {
  it.each(COMMENT_EDITS)('$version: an earlier text of the file, with the SQL it has today', async (edit) => {
    const file = (await readMigrationFiles()).find((candidate) => candidate.version === edit.version);
    expect(file, `no migration ${edit.version}`).toBeDefined();
    const path = `supabase/migrations/${edit.version}_${file?.name}.sql`;
    const earlierTexts = git('log', '--format=%H', '--', path)
      .split('\n')
      .filter(Boolean)
      .map((commit) => git('show', `${commit}:${path}`));
    const earlier = earlierTexts.find((text) => sha256(text) === edit.fileChecksum);
    expect(earlier, `no commit of ${path} has the listed checksum`).toBeDefined();
    expect(sha256(executableSql(earlier as string))).toBe(edit.sqlChecksum);
    expect(file?.sqlChecksum).toBe(edit.sqlChecksum);
  });
});
