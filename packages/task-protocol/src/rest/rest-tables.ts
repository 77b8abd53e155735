/**
 * The tables `/rest/v1/<table>` serves, and their columns as the database reports them. Only
 * these names can reach SQL; a column must be one of the table's own. What a caller sees in them is
 * still decided by Postgres: grants and row-level security under the caller's role (rest-routes.ts).
 */
import type { Database } from '@gpuq/db';

/**
 * The tables the Headless worker (tasks, workers) and Reigh (tasks, generations, projects, shots,
 * shot_generations, task_types) read directly. `workers` has no grant for users: the service role
 * only. A name whose table does not exist (yet) answers as an unknown table.
 */
export const REST_TABLES = [
  'tasks',
  'generations',
  'projects',
  'shots',
  'shot_generations',
  'workers',
  'task_types',
] as const;

export type RestTable = (typeof REST_TABLES)[number];

export type ColumnsByTable = ReadonlyMap<string, ReadonlySet<string>>;

/** Loaded once per app (the schema changes only with a migration, which restarts the api). */
export function tableColumnsLoader(db: Database): () => Promise<ColumnsByTable> {
  let loading: Promise<ColumnsByTable> | null = null;
  return () => {
    loading ??= load(db).catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
}

async function load(db: Database): Promise<ColumnsByTable> {
  const { rows } = await db.query<{ table_name: string; column_name: string }>(
    `select table_name::text, column_name::text from information_schema.columns
      where table_schema = 'public' and table_name = any($1::text[])`,
    [REST_TABLES],
  );
  const byTable = new Map<string, Set<string>>();
  for (const row of rows) {
    const columns = byTable.get(row.table_name) ?? new Set<string>();
    columns.add(row.column_name);
    byTable.set(row.table_name, columns);
  }
  return byTable;
}
