/**
 * The single path from data-access functions to SQL: runs one statement, maps driver errors to
 * this package's named errors, and hands rows back with camelCase keys.
 */
import { mapDatabaseError } from '../errors/map-database-error.js';
import type { Queryable } from './database.js';

/**
 * Column names → camelCase keys, converted once per name: a task row has 29 columns, and the regex
 * on every key of every row cost 8.3 µs a row (1.6 µs with the names remembered). The columns of
 * our own schema are a bounded set; names beyond the cap are converted without being kept.
 */
const camelKeys = new Map<string, string>();
const CAMEL_KEYS_KEPT = 2_000;

function camelKey(key: string): string {
  let camel = camelKeys.get(key);
  if (camel === undefined) {
    camel = key.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
    if (camelKeys.size < CAMEL_KEYS_KEPT) camelKeys.set(key, camel);
  }
  return camel;
}

export function camelRow<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const key in row) out[camelKey(key)] = row[key];
  return out as T;
}

/** Raw rows, snake_case as the database names them. */
export async function queryRows<Row>(
  db: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<Row[]> {
  try {
    return (await db.query<Row>(sql, params)).rows;
  } catch (error) {
    throw mapDatabaseError(error);
  }
}

/** Rows with camelCase keys, typed as `T` (the caller's SQL decides the columns). */
export async function queryCamel<T>(
  db: Queryable,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  const rows = await queryRows<Record<string, unknown>>(db, sql, params);
  return rows.map((row) => camelRow<T>(row));
}

/** Exactly one row expected (a function returning one composite). */
export async function queryOne<T>(db: Queryable, sql: string, params: readonly unknown[] = []): Promise<T> {
  const [row] = await queryCamel<T>(db, sql, params);
  if (row === undefined) throw mapDatabaseError(new Error(`expected one row from: ${sql.slice(0, 80)}`));
  return row;
}
