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

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  /**
   * Subscribes to `pg_notify` on `channel` (the task status broadcast uses `task_status`).
   * Resolves once listening; the returned function stops it.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
