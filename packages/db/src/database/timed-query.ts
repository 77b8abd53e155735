import type pg from 'pg';

/**
 * A query with a client-side timeout: pg honours a per-query `query_timeout` that its type
 * declarations do not list. Without values pg uses the simple protocol (several statements).
 */
export function timedQuery(text: string, values: unknown[] | undefined, timeoutMs: number): pg.QueryConfig {
  const config = { text, ...(values === undefined ? {} : { values }), query_timeout: Math.ceil(timeoutMs) };
  return config;
}
