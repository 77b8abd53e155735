/**
 * A `Database` over a real Postgres through a `pg` connection pool, bounded in time everywhere:
 * a Postgres that refuses, drops or silently holds connections makes calls fail fast with
 * DatabaseUnavailableError instead of hanging them and every request queued behind them.
 *
 * - A checkout waits at most `connectTimeoutMs` (and never past the request's deadline).
 * - Every statement has a client-side timeout (`queryTimeoutMs`, or what is left of the
 *   deadline) and a server-side `statement_timeout`; a session idle inside a transaction is ended
 *   by the server after `idleInTransactionTimeoutMs`.
 * - A client whose statement timed out or whose socket failed is destroyed, never pooled again:
 *   `pg` would otherwise pair the next statement with the late answer of the last one.
 * - Under a request deadline (deadline.ts) a transaction sets `statement_timeout` to what is left,
 *   and its COMMIT travels in one message with a check of the deadline on the server's clock:
 *   a COMMIT that a network holds back past the deadline rolls back instead of committing late.
 * - A transaction's `begin` travels with its first statement, so a guarded single statement costs
 *   two round trips (statement, deadline-checked COMMIT), not three.
 * - A statement whose repeat is harmless (`repeatable`) travels in one message with its BEGIN and
 *   deadline-checked COMMIT, and is waited for no longer than the deadline: one round trip.
 */
import pg from 'pg';
import { isConnectionFailure } from '../errors/connection-failure.js';
import { DatabaseUnavailableError, DeadlineExceededError } from '../errors/database-unavailable-error.js';
import type { Database, QueryResult, Transaction } from './database.js';
import { type DatabaseLogger, SILENT_LOGGER } from './database-logger.js';
import { currentDeadline, type Deadline, remainingMs } from './deadline.js';
import { inlineParams } from './inline-params.js';
import { PostgresListener } from './postgres-listener.js';
import { timedQuery } from './timed-query.js';

export interface PostgresTimeouts {
  /** Longest wait for a connection: a new one, or a free one from a full pool. Default 5 000. */
  connectTimeoutMs?: number;
  /** Server-side `statement_timeout` of every session. Default 10 000. */
  statementTimeoutMs?: number;
  /** Client-side wait for any statement's answer. Default statementTimeoutMs + 2 000. */
  queryTimeoutMs?: number;
  /** Server-side `idle_in_transaction_session_timeout`. Default 15 000. */
  idleInTransactionTimeoutMs?: number;
  /** How often the LISTEN connection is probed. Default 10 000. */
  listenerHeartbeatMs?: number;
  /**
   * How long a pooled connection may sit idle before it is closed; 0: never. Default 300 000.
   * Short is costly: the next request opens a new server session, and that session's first call
   * of each PL/pgSQL function compiles it and plans its statements (25 to 40 ms for `submit_job`
   * against 3 to 7 ms warm), so a pool that empties after every pause makes the first requests
   * after it slow. Five minutes stays under the idle timeouts of common load balancers and NATs
   * (AWS's Network Load Balancer: 350 s), which drop a quiet connection without a word.
   */
  poolIdleTimeoutMs?: number;
}

export interface PostgresDatabaseOptions extends PostgresTimeouts {
  /** postgres:// connection string. */
  url: string;
  /**
   * A direct postgres:// URL for the LISTEN connection, which a transaction pooler cannot carry.
   * Default `url`.
   */
  directUrl?: string;
  /**
   * `transaction`: `url` is a transaction pooler (pgbouncer `pool_mode = transaction`, Supabase's
   * pooler on port 6543), which gives each transaction whichever server session is free: no
   * setting may be sent at connect time or live across transactions, so the timeouts travel with
   * every transaction (`set local`) and every statement runs in one. Default `session`.
   */
  poolMode?: 'session' | 'transaction';
  /** Pool size. Default 10. */
  poolSize?: number;
  /** Shown in pg_stat_activity. Default 'gpuq'. */
  applicationName?: string;
  /** Told of lost and restored connections. Default: silent. */
  logger?: DatabaseLogger;
}

export const POSTGRES_TIMEOUT_DEFAULTS = {
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 10_000,
  idleInTransactionTimeoutMs: 15_000,
  listenerHeartbeatMs: 10_000,
  poolIdleTimeoutMs: 300_000,
} as const;

type Client = pg.PoolClient | pg.Client;

/** Errors after which a client cannot be trusted: its socket is gone or its answers are out of step. */
const BROKEN_CLIENT = [/^Query read timeout/, /^Connection terminated/, /^timeout expired/, /not queryable/];
const SOCKET_ERRNOS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

function breaksClient(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  const code = (error as { code?: unknown } | null)?.code;
  return (
    BROKEN_CLIENT.some((pattern) => pattern.test(message)) ||
    (typeof code === 'string' && (SOCKET_ERRNOS.has(code) || code.startsWith('08') || code.startsWith('57P')))
  );
}

/** Connection-class failures become DatabaseUnavailableError; statement errors pass unchanged. */
function classify(error: unknown, deadline: Deadline | undefined): unknown {
  if (error instanceof DatabaseUnavailableError) return error;
  if (!isConnectionFailure(error)) return error;
  const code = (error as { code?: unknown }).code;
  const options = { cause: error, code: typeof code === 'string' ? code : undefined };
  const message = error instanceof Error ? error.message : String(error);
  if (deadline && remainingMs(deadline) === 0) {
    return new DeadlineExceededError(`the request deadline passed: ${message}`, options);
  }
  return new DatabaseUnavailableError(`the database is unavailable: ${message}`, options);
}

export function createPostgresDatabase(options: PostgresDatabaseOptions): Database {
  const logger = options.logger ?? SILENT_LOGGER;
  const connectTimeoutMs = options.connectTimeoutMs ?? POSTGRES_TIMEOUT_DEFAULTS.connectTimeoutMs;
  const statementTimeoutMs = options.statementTimeoutMs ?? POSTGRES_TIMEOUT_DEFAULTS.statementTimeoutMs;
  const queryTimeoutMs = options.queryTimeoutMs ?? statementTimeoutMs + 2_000;
  const idleInTransactionTimeoutMs =
    options.idleInTransactionTimeoutMs ?? POSTGRES_TIMEOUT_DEFAULTS.idleInTransactionTimeoutMs;
  const applicationName = options.applicationName ?? 'gpuq';
  const pooled = options.poolMode === 'transaction';
  const sessionSettings = {
    connectionString: options.url,
    connectionTimeoutMillis: connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    idle_in_transaction_session_timeout: idleInTransactionTimeoutMs,
    // A peer that vanished without a word is noticed by the kernel, not only by our timeouts.
    keepAlive: true,
  };
  // A transaction pooler refuses startup parameters it does not track (pgbouncer: "unsupported
  // startup parameter"); the same limits are set per transaction instead.
  const poolSettings = pooled
    ? { connectionString: options.url, connectionTimeoutMillis: connectTimeoutMs, keepAlive: true }
    : sessionSettings;
  const pool = new pg.Pool({
    ...poolSettings,
    max: options.poolSize ?? 10,
    idleTimeoutMillis: options.poolIdleTimeoutMs ?? POSTGRES_TIMEOUT_DEFAULTS.poolIdleTimeoutMs,
    application_name: applicationName,
  });
  // An idle client that loses its server emits here; without a handler that kills the process.
  pool.on('error', (error) => logger.warn({ err: error.message }, 'an idle database connection was lost'));
  const listener = new PostgresListener({
    newClient: () =>
      new pg.Client({
        ...sessionSettings,
        connectionString: options.directUrl ?? options.url,
        application_name: `${applicationName}-listen`,
      }),
    logger,
    heartbeatMs: options.listenerHeartbeatMs ?? POSTGRES_TIMEOUT_DEFAULTS.listenerHeartbeatMs,
    timeoutMs: Math.min(queryTimeoutMs, connectTimeoutMs),
    reconnectMinMs: 100,
    reconnectMaxMs: 5_000,
  });

  /** Clients that must be destroyed instead of pooled. */
  const broken = new WeakSet<Client>();
  const watched = new WeakSet<Client>();

  /**
   * pg-pool listens for errors of idle clients only: a checked-out client whose server goes away
   * emits 'error' with no listener, which would end the process. Its statement fails anyway.
   */
  function watch(client: pg.PoolClient): pg.PoolClient {
    if (!watched.has(client)) {
      watched.add(client);
      client.on('error', () => broken.add(client));
    }
    return client;
  }

  /** A pooled client, waiting no longer than the deadline allows. */
  async function acquire(deadline: Deadline | undefined): Promise<pg.PoolClient> {
    return watch(await checkout(deadline));
  }

  async function checkout(deadline: Deadline | undefined): Promise<pg.PoolClient> {
    const left = remainingMs(deadline);
    if (left === 0)
      throw new DeadlineExceededError('the request deadline passed before a connection was free');
    if (left >= connectTimeoutMs)
      return pool.connect().catch((error: unknown) => Promise.reject(classify(error, deadline)));
    const pending = pool.connect();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DeadlineExceededError('the request deadline passed while waiting for a connection')),
        left,
      );
    });
    try {
      return await Promise.race([pending, expired]);
    } catch (error) {
      // The checkout may still succeed after we gave up on it: hand that client straight back.
      pending.then(
        (client) => client.release(),
        () => undefined,
      );
      throw classify(error, deadline);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One statement on `client`, answered within the statement timeout and the deadline. */
  async function run<Row>(
    client: Client,
    sql: string,
    params: readonly unknown[] | undefined,
    deadline: Deadline | undefined,
    timeoutMs = Math.min(queryTimeoutMs, remainingMs(deadline)),
    /** Of a script's results, the one this many from the end is the answer. */
    answerFromEnd = 1,
  ): Promise<QueryResult<Row>> {
    if (deadline?.abandoned || timeoutMs <= 0)
      throw new DeadlineExceededError('the request deadline passed before the statement');
    try {
      // Without parameters pg uses the simple query protocol, which accepts several statements.
      const values = params === undefined ? undefined : (params as unknown[]);
      const result = await client.query(
        deadline?.unbounded
          ? { text: sql, ...(values ? { values } : {}) }
          : timedQuery(sql, values, timeoutMs),
      );
      // A script of several statements answers with one result each.
      const last = (Array.isArray(result) ? result.at(-answerFromEnd) : result) as pg.QueryResult | undefined;
      const rows = (last?.rows ?? []) as Row[];
      return { rows, rowCount: last?.rowCount ?? rows.length };
    } catch (error) {
      if (breaksClient(error)) broken.add(client);
      throw classify(error, deadline);
    }
  }

  async function onPooledClient<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const deadline = currentDeadline();
    const client = await acquire(deadline);
    try {
      const value = await work(client);
      client.release();
      return value;
    } catch (error) {
      client.release(broken.has(client) ? (error as Error) : undefined);
      throw error;
    }
  }

  async function commit(client: pg.PoolClient, deadline: Deadline | undefined): Promise<void> {
    if (!deadline || deadline.unbounded) {
      await run(client, 'commit', undefined, deadline);
      return;
    }
    if (remainingMs(deadline) === 0) {
      throw new DeadlineExceededError('the request deadline passed before commit');
    }
    deadline.commitsInFlight += 1;
    try {
      // Once sent, the answer is awaited in full (not only what is left of the deadline): giving
      // up on a COMMIT the server may have applied would answer 503 for work that was done.
      await run(client, checkedCommit(deadline), undefined, deadline, queryTimeoutMs);
    } finally {
      deadline.commitsInFlight -= 1;
    }
  }

  /** COMMIT, preceded in the same message by a check of the deadline on the server's clock. */
  function checkedCommit(deadline: Deadline | undefined): string {
    if (!deadline || deadline.unbounded) return 'commit';
    const at = new Date(deadline.at).toISOString();
    return `do $$ begin if clock_timestamp() > '${at}'::timestamptz then raise exception 'the request deadline passed before commit' using errcode = '57014'; end if; end $$; commit`;
  }

  /** BEGIN with the limits this transaction runs under (a pooled session carries none of its own). */
  function beginStatement(deadline: Deadline | undefined, left: number): string {
    if (deadline?.unbounded)
      return 'begin; set local statement_timeout = 0; set local idle_in_transaction_session_timeout = 0';
    const limits = pooled
      ? [`set local idle_in_transaction_session_timeout = ${idleInTransactionTimeoutMs}`]
      : [];
    // The server stops any statement of this transaction once the request's time is up.
    if (Number.isFinite(left))
      limits.push(
        `set local statement_timeout = ${Math.max(1, Math.ceil(Math.min(left, statementTimeoutMs)))}`,
      );
    else if (pooled) limits.push(`set local statement_timeout = ${statementTimeoutMs}`);
    return ['begin', ...limits].join('; ');
  }

  /**
   * A transaction's connection whose `begin` travels in one message with the first statement
   * (its values inlined, inline-params.ts): one round trip less per transaction. A first
   * statement that cannot be inlined is preceded by a `begin` of its own.
   */
  function lazilyBegun(client: pg.PoolClient, deadline: Deadline | undefined, commitWithFirst: boolean) {
    let begun = false;
    let committed = false;
    const first = async <Row>(sql: string, params: readonly unknown[] | undefined) => {
      begun = true;
      const statement = params?.length ? inlineParams(sql, params) : sql;
      if (statement === null) {
        await run(client, beginStatement(deadline, remainingMs(deadline)), undefined, deadline);
        return run<Row>(client, sql, params, deadline);
      }
      const begin = `${beginStatement(deadline, remainingMs(deadline))}; ${statement.replace(/[\s;]+$/, '')}`;
      if (!commitWithFirst) return run<Row>(client, begin, undefined, deadline);
      // The answer is the statement's, before the deadline check's and the COMMIT's.
      const commitSql = checkedCommit(deadline);
      const answer = await run<Row>(
        client,
        `${begin}; ${commitSql}`,
        undefined,
        deadline,
        undefined,
        commitSql === 'commit' ? 2 : 3,
      );
      committed = true;
      return answer;
    };
    const tx: Transaction = {
      query: (sql, params) => (begun ? run(client, sql, params, deadline) : first(sql, params)),
      async exec(sql) {
        await (begun ? run(client, sql, undefined, deadline) : first(sql, undefined));
      },
    };
    return { tx, begun: () => begun, committed: () => committed };
  }

  async function transaction<T>(work: (tx: Transaction) => Promise<T>, commitWithFirst = false): Promise<T> {
    const deadline = currentDeadline();
    const client = await acquire(deadline);
    const opened = lazilyBegun(client, deadline, commitWithFirst);
    try {
      const value = await work(opened.tx);
      // Nothing was sent, so there is nothing to commit.
      if (opened.begun() && !opened.committed()) await commit(client, deadline);
      client.release();
      return value;
    } catch (error) {
      if (broken.has(client) || !opened.begun()) {
        // The server rolls back a transaction whose session ends; one never begun has nothing to undo.
        client.release(error as Error);
        throw error;
      }
      // A failed rollback means the connection is unusable: destroy it instead of pooling it.
      const failed = await run(
        client,
        'rollback',
        undefined,
        undefined,
        Math.min(queryTimeoutMs, 2_000),
      ).then(
        () => undefined,
        (rollbackError: unknown) => rollbackError,
      );
      const destroy = failed instanceof Error ? failed : broken.has(client) ? (error as Error) : undefined;
      client.release(destroy);
      throw error;
    }
  }

  /**
   * Under a request deadline even a single statement runs in a transaction with the deadline
   * checked at COMMIT: an autocommitted statement held up by the network would otherwise commit
   * whenever it arrives (a task created and charged after its request was answered 503).
   */
  function guarded(): boolean {
    // Through a transaction pooler a lone statement needs a transaction to carry its limits.
    if (pooled) return true;
    const deadline = currentDeadline();
    return deadline !== undefined && !deadline.unbounded;
  }

  return {
    kind: 'postgres',
    query: (sql, params) =>
      guarded()
        ? transaction((tx) => tx.query(sql, params))
        : onPooledClient((client) => run(client, sql, params, currentDeadline())),
    exec: (sql) =>
      guarded()
        ? transaction((tx) => tx.exec(sql))
        : onPooledClient(async (client) => {
            await run(client, sql, undefined, currentDeadline());
          }),
    transaction,
    repeatable: {
      // Unguarded, a statement is autocommitted in its own message already.
      query: (sql, params) =>
        guarded()
          ? transaction((tx) => tx.query(sql, params), true)
          : onPooledClient((client) => run(client, sql, params, currentDeadline())),
      exec: (sql) =>
        guarded()
          ? transaction((tx) => tx.exec(sql), true)
          : onPooledClient(async (client) => {
              await run(client, sql, undefined, currentDeadline());
            }),
    },
    listen: (channel, onPayload, listenOptions) => listener.subscribe(channel, onPayload, listenOptions),
    listenerStatus: () => listener.status(),
    async close() {
      await listener.close();
      await pool.end();
    },
  };
}
