/** Picks the engine: DATABASE_URL if given, else embedded PGlite (so a fresh checkout runs with no Postgres). */
import { join } from 'node:path';
import type { Database } from './database.js';
import type { DatabaseLogger } from './database-logger.js';
import { createPGliteDatabase } from './pglite-database.js';
import { createPostgresDatabase, type PostgresTimeouts } from './postgres-database.js';

export interface OpenDatabaseOptions {
  /** A postgres:// URL (DATABASE_URL). Unset: embedded PGlite under `dataDir`. */
  url?: string | undefined;
  /** GPUQ_DATA_DIR; PGlite keeps its files in `<dataDir>/pglite`. Default './.data'. */
  dataDir?: string | undefined;
  /** A direct Postgres URL for LISTEN when `url` is a pooler's. Default `url`. */
  directUrl?: string | undefined;
  /** `transaction` when `url` is a transaction pooler (postgres-database.ts). Default `session`. */
  poolMode?: 'session' | 'transaction' | undefined;
  /** Postgres pool size. Default 10. */
  poolSize?: number | undefined;
  applicationName?: string | undefined;
  /** Postgres connection, statement and transaction timeouts (defaults in postgres-database.ts). */
  timeouts?: PostgresTimeouts | undefined;
  /** Told of lost and restored Postgres connections. */
  logger?: DatabaseLogger | undefined;
}

export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  if (options.url) {
    return createPostgresDatabase({
      url: options.url,
      ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
      ...(options.directUrl === undefined ? {} : { directUrl: options.directUrl }),
      ...(options.poolMode === undefined ? {} : { poolMode: options.poolMode }),
      ...(options.applicationName === undefined ? {} : { applicationName: options.applicationName }),
      ...options.timeouts,
      ...(options.logger === undefined ? {} : { logger: options.logger }),
    });
  }
  const dataDir = options.dataDir ?? './.data';
  return createPGliteDatabase({
    dataDir: dataDir.startsWith('memory://') ? dataDir : join(dataDir, 'pglite'),
  });
}
