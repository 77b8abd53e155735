/**
 * Ids as Postgres' `uuid` type takes them: 8-4-4-4-12 hex digits, any case, any version (Supabase
 * Auth issues v4 user ids; tests and seeds use others). Checked before an id reaches a query, so a
 * malformed one is a 4xx rather than a cast error from the database.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}
