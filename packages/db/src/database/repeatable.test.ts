/**
 * `Database.repeatable` on a real Postgres: under a request deadline a statement travels in one
 * message with its BEGIN and deadline-checked COMMIT, commits, and answers with its own rows; a
 * failing statement or one that outlives the deadline commits nothing and leaves its connection
 * fit for the next request. The messages are counted at the driver (`pg.Client#query`), the
 * unit a round trip is made of.
 */
import { createTestDatabase, type TestDatabase } from '@gpuq/testing';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Database } from './database.js';
import { createDeadline, runWithDeadline } from './deadline.js';
import { openDatabase } from './open-database.js';

let testDb: TestDatabase;
let db: Database;
let direct: pg.Client;

beforeAll(async () => {
  testDb = await createTestDatabase('repeatable');
  // One connection: a statement that left its transaction open would break the next one.
  db = await openDatabase({ url: testDb.url, poolSize: 1 });
  direct = new pg.Client({ connectionString: testDb.url });
  await direct.connect();
  await direct.query('create table marks (id integer primary key, note text)');
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await direct?.end();
  await db?.close();
  await testDb?.drop();
});

const marks = async () =>
  (await direct.query<{ id: number }>('select id from marks order by id')).rows.map((row) => row.id);

function countMessages(): () => number {
  const spy = vi.spyOn(pg.Client.prototype, 'query');
  return () => spy.mock.calls.length;
}

describe('Database.repeatable', () => {
  it('commits a statement in one message under a deadline and answers its rows', async () => {
    const messages = countMessages();
    const { rows } = await runWithDeadline(createDeadline(5_000), () =>
      db.repeatable.query<{ id: number; note: string }>(
        'insert into marks (id, note) values ($1, $2) returning id, note',
        [1, "it's one"],
      ),
    );
    expect(messages()).toBe(1);
    expect(rows).toEqual([{ id: 1, note: "it's one" }]);
    expect(await marks()).toEqual([1]);
  });

  it('takes two messages for the same statement through query (statement, then checked COMMIT)', async () => {
    const messages = countMessages();
    await runWithDeadline(createDeadline(5_000), () =>
      db.query('insert into marks (id, note) values ($1, $2)', [2, 'two']),
    );
    expect(messages()).toBe(2);
    expect(await marks()).toEqual([1, 2]);
  });

  it('commits nothing when the statement fails, and the connection serves the next request', async () => {
    const failed = await runWithDeadline(createDeadline(5_000), () =>
      db.repeatable.query('insert into marks (id, note) values ($1, $2)', [1, 'again']),
    ).catch((error: unknown) => error);
    expect((failed as { code?: string }).code).toBe('23505');
    const { rows } = await runWithDeadline(createDeadline(5_000), () =>
      db.repeatable.query<{ open: boolean }>(
        'select now() = statement_timestamp() as open from marks where id = $1',
        [1],
      ),
    );
    // A fresh transaction: its start time is this statement's, not a leftover one's.
    expect(rows).toEqual([{ open: true }]);
    expect(await marks()).toEqual([1, 2]);
  });

  it('commits nothing when the statement outlives the deadline', async () => {
    const failed = await runWithDeadline(createDeadline(300), () =>
      db.repeatable.query('insert into marks (id, note) select $1, $2 from pg_sleep(1)', [3, 'late']),
    ).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(Error);
    // Give a late COMMIT every chance to land before looking.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await marks()).toEqual([1, 2]);
    const { rows } = await db.repeatable.query<{ n: number }>('select count(*)::int as n from marks');
    expect(rows).toEqual([{ n: 2 }]);
  });

  it('autocommits in one message without a deadline', async () => {
    const messages = countMessages();
    await db.repeatable.query('insert into marks (id, note) values ($1, $2)', [4, 'four']);
    expect(messages()).toBe(1);
    expect(await marks()).toEqual([1, 2, 4]);
  });
});
