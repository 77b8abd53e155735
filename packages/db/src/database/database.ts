/**
 * The one shape every data-access function runs on: Postgres through a `pg` pool, or embedded
 * PGlite. Functions take a `Queryable`, so the same call works on the database or inside a
 * transaction, on either engine.
 */

export interface QueryResult<Row> {
  rows: Row[];
  /** Rows returned, or touched by an INSERT / UPDATE / DELETE without RETURNING. */
  rowCount: number;
}

export interface Queryable {
  /** One statement with `$1`-style parameters. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** A transaction's connection: its statements commit or roll back together. */
export type Transaction = Queryable;

export type DatabaseKind = 'postgres' | 'pglite';

export interface ListenOptions {
  /**
   * Called after the LISTEN connection was lost and is back: notifications sent meanwhile are
   * gone, so the subscriber re-reads whatever it may have missed.
   */
  onRestored?: (outage: ListenerOutage) => void;
}

export interface ListenerOutage {
  /** When the connection was found lost (notifications may have been missed a little earlier). */
  lostAt: Date;
  downMs: number;
}

/** The LISTEN connection as `/readyz` reports it. */
export interface ListenerStatus {
  /** True while the connection is up (or nothing is subscribed). */
  listening: boolean;
  channels: string[];
  /** How long it has been down; null while up. */
  downSinceMs: number | null;
  lastError: string | null;
}

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /**
   * For statements whose repeat is harmless because they check what was already done (a worker's
   * callback, which it retries after a 503): each runs as its own transaction, as `query` does,
   * but on Postgres under a request deadline in one message with its BEGIN and the
   * deadline-checked COMMIT (one round trip instead of two). Its answer is waited for no longer
   * than the deadline, so a 503 may be answered for a statement that did commit; the caller's
   * retry then finds it applied. Never for a statement whose repeat would do the work twice.
   */
  readonly repeatable: Queryable;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Subscribes to `pg_notify` on `channel` (the task status broadcast uses `task_status`).
   * Resolves once listening; the returned function stops it. A lost connection is reopened and
   * `options.onRestored` called once it listens again.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    options?: ListenOptions,
  ): Promise<() => Promise<void>>;
  /** Whether the LISTEN connection is up. */
  listenerStatus(): ListenerStatus;
  close(): Promise<void>;
}
