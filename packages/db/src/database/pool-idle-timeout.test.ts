/**
 * How long the pool keeps an idle connection. A connection closed after a pause costs the next
 * request a new server session, whose first call of each PL/pgSQL function compiles it: the
 * default keeps connections through pauses longer than `pg`'s own 10 s, and the setting is honoured.
 */
import { createTestDatabase, type TestDatabase } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { openDatabase } from './open-database.js';

let testDb: TestDatabase;
const opened: Database[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase('pool_idle');
});
afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
  await testDb?.drop();
});

async function open(poolIdleTimeoutMs?: number): Promise<Database> {
  const db = await openDatabase({
    url: testDb.url,
    poolSize: 1,
    applicationName: `pool-idle-${poolIdleTimeoutMs ?? 'default'}`,
    timeouts: poolIdleTimeoutMs === undefined ? {} : { poolIdleTimeoutMs },
  });
  opened.push(db);
  return db;
}

async function backendPid(db: Database): Promise<number> {
  const { rows } = await db.query<{ pid: number }>('select pg_backend_pid() as pid');
  return rows[0]?.pid ?? Number.NaN;
}

async function isConnected(db: Database, pid: number): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from pg_stat_activity where pid = $1',
    [pid],
  );
  return rows[0]?.n === 1;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pool idle timeout', () => {
  it('keeps an idle connection through a pause longer than pg’s own 10 s by default', async () => {
    const db = await open();
    const before = await backendPid(db);
    await sleep(10_500);
    expect(await backendPid(db)).toBe(before);
  }, 20_000);

  it('closes a connection idle longer than poolIdleTimeoutMs, and opens a new one when asked', async () => {
    const db = await open(150);
    const watcher = await open(0);
    const before = await backendPid(db);
    await sleep(600);
    expect(await isConnected(watcher, before)).toBe(false);
    const after = await backendPid(db);
    expect(after).not.toBe(before);
  });

  it('never closes an idle connection with poolIdleTimeoutMs 0', async () => {
    const db = await open(0);
    const before = await backendPid(db);
    await sleep(600);
    expect(await backendPid(db)).toBe(before);
  });
});
