/**
 * The hand-written apis' Postgres pool: queue-api's size and idle timeout. With pg's own 10 s idle
 * timeout the first requests after each idle phase of the bench would open new connections, which
 * measures the pool, not the path.
 */
import { POSTGRES_TIMEOUT_DEFAULTS } from '@gpuq/db';
import pg from 'pg';

export function handwrittenPool(connectionString: string | undefined): pg.Pool {
  return new pg.Pool({
    connectionString,
    max: 10,
    idleTimeoutMillis: POSTGRES_TIMEOUT_DEFAULTS.poolIdleTimeoutMs,
  });
}
