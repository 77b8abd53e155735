/**
 * A `Database` over embedded PGlite: the default when no DATABASE_URL is set. PGlite is a single
 * connection that runs one statement at a time, so concurrency tests belong to real Postgres.
 */
import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction as PGliteTransaction } from '@electric-sql/pglite';
import type { Database, QueryResult, Transaction } from './database.js';

export interface PGliteDatabaseOptions {
  /** Folder of the database files (created if missing); 'memory://' for a throwaway database. */
  dataDir: string;
}

type Client = PGlite | PGliteTransaction;

async function run<Row>(client: Client, sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
  const result = await client.query<Row>(sql, params as unknown[] | undefined);
  // PGlite reports affectedRows 0 for a SELECT; rows returned count as well, as they do in pg.
  return { rows: result.rows, rowCount: Math.max(result.rows.length, result.affectedRows ?? 0) };
}

function wrap(client: Client): Transaction {
  return {
    query: (sql, params) => run(client, sql, params),
    async exec(sql) {
      await client.exec(sql);
    },
  };
}

export async function createPGliteDatabase(options: PGliteDatabaseOptions): Promise<Database> {
  if (!options.dataDir.startsWith('memory://')) await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir);
  const direct = wrap(pglite);
  return {
    kind: 'pglite',
    query: direct.query,
    exec: direct.exec,
    // One session, no network: nothing to fold.
    repeatable: direct,
    transaction: (work) => pglite.transaction((tx) => work(wrap(tx))),
    async listen(channel, onPayload) {
      const stop = await pglite.listen(channel, onPayload);
      return async () => {
        await stop();
      };
    },
    // One embedded connection: LISTEN cannot be lost apart from the database itself.
    listenerStatus: () => ({ listening: true, channels: [], downSinceMs: null, lastError: null }),
    async close() {
      await pglite.close();
    },
  };
}
