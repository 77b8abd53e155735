/**
 * The Postgres database through a real transaction pooler (pgbouncer, pool_mode = transaction,
 * one server session shared by all clients): with poolMode `transaction` every statement runs
 * under the configured timeouts and nothing one transaction sets is seen by the next; without it
 * the pooler refuses the session settings sent at connect time, naming them.
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type PrivatePgbouncer, startPgbouncer, type TestDatabase } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { createDeadline, runWithDeadline } from './deadline.js';
import { openDatabase } from './open-database.js';
import { withJwtClaims } from './with-jwt-claims.js';

let testDb: TestDatabase;
let pooler: PrivatePgbouncer;
let db: Database;

beforeAll(async () => {
  testDb = await createTestDatabase('pooler');
  pooler = await startPgbouncer({ poolSize: 1 });
  db = await openDatabase({
    url: pooler.through(testDb.url),
    directUrl: testDb.url,
    poolMode: 'transaction',
    poolSize: 4,
    timeouts: { statementTimeoutMs: 4_321, idleInTransactionTimeoutMs: 6_543 },
  });
});
afterAll(async () => {
  await db?.close();
  await pooler?.stop();
  await testDb?.drop();
});

describe('poolMode transaction', () => {
  it('runs every statement under the configured server-side timeouts', async () => {
    const { rows } = await db.query<{ statement: string; idle: string }>(
      "select current_setting('statement_timeout') as statement, current_setting('idle_in_transaction_session_timeout') as idle",
    );
    expect(rows).toEqual([{ statement: '4321ms', idle: '6543ms' }]);
  });

  it('leaves no RLS role or JWT claims behind for the next client of the shared session', async () => {
    await Promise.all(
      Array.from({ length: 8 }, () =>
        withJwtClaims(db, { role: 'authenticated', sub: randomUUID() }, async (tx) => {
          const { rows } = await tx.query<{ role: string }>('select current_user as role');
          expect(rows[0]?.role).toBe('authenticated');
        }),
      ),
    );
    const { rows } = await db.query<{ role: string; claims: string | null }>(
      "select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims",
    );
    expect(rows).toEqual([{ role: 'postgres', claims: null }]);
  });

  it('runs a repeatable statement with its limits and leaves none of them to the next client', async () => {
    const inside = await runWithDeadline(createDeadline(2_000), () =>
      db.repeatable.query<{ statement: string }>("select current_setting('statement_timeout') as statement"),
    );
    // What was left of the deadline, not the session's configured value.
    expect(Number.parseInt(inside.rows[0]!.statement, 10)).toBeLessThanOrEqual(2_000);
    const { rows } = await db.query<{ statement: string }>(
      "select current_setting('statement_timeout') as statement",
    );
    expect(rows).toEqual([{ statement: '4321ms' }]);
  });

  it('keeps LISTEN on the direct connection', async () => {
    const heard: string[] = [];
    const stop = await db.listen('pooler_test', (payload) => heard.push(payload));
    await db.query("select pg_notify('pooler_test', 'through the pooler')");
    await expect.poll(() => heard, { timeout: 5_000 }).toEqual(['through the pooler']);
    await stop();
  });
});

describe('poolMode session through a transaction pooler', () => {
  it('is refused by the pooler, which names the session setting', async () => {
    const sessionDb = await openDatabase({ url: pooler.through(testDb.url), poolSize: 1 });
    try {
      await expect(sessionDb.query('select 1')).rejects.toThrow(
        /unsupported startup parameter: statement_timeout/,
      );
    } finally {
      await sessionDb.close();
    }
  });
});
