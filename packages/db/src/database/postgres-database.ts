/** A `Database` over a real Postgres through a `pg` connection pool. */
import pg from 'pg';
import type { Database, QueryResult, Transaction } from './database.js';

export interface PostgresDatabaseOptions {
  /** postgres:// connection string. */
  url: string;
  /** Pool size. Default 10. */
  poolSize?: number;
  /** Shown in pg_stat_activity. Default 'gpuq'. */
  applicationName?: string;
}

type Client = pg.Pool | pg.PoolClient | pg.Client;

async function run<Row>(client: Client, sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> {
  const result = await client.query(sql, params as unknown[] | undefined);
  return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
}

function wrap(client: Client): Transaction {
  return {
    query: (sql, params) => run(client, sql, params),
    async exec(sql) {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      await client.query(sql);
    },
  };
}

export function createPostgresDatabase(options: PostgresDatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'gpuq',
  });
  // An idle client that loses its server emits here; without a handler that kills the process.
  pool.on('error', () => {});
  const direct = wrap(pool);

  return {
    kind: 'postgres',
    query: direct.query,
    exec: direct.exec,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const value = await work(wrap(client));
        await client.query('commit');
        client.release();
        return value;
      } catch (error) {
        // A failed rollback means the connection is unusable: destroy it instead of pooling it.
        const broken = await client.query('rollback').then(
          () => undefined,
          (rollbackError: unknown) => rollbackError,
        );
        client.release(broken instanceof Error ? broken : undefined);
        throw error;
      }
    },
    async listen(channel, onPayload) {
      // LISTEN belongs to one session, so it gets a connection of its own outside the pool.
      const client = new pg.Client({ connectionString: options.url });
      client.on('error', () => {});
      await client.connect();
      client.on('notification', (message) => {
        if (message.channel === channel) onPayload(message.payload ?? '');
      });
      await client.query(`listen ${pg.escapeIdentifier(channel)}`);
      return async () => {
        await client.end();
      };
    },
    async close() {
      await pool.end();
    },
  };
}
