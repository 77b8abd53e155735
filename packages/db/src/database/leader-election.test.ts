/**
 * Leader election on a real Postgres: of several candidates exactly one leads; when the leader's
 * session ends (terminated by the server, as when its host is declared dead) or the leader stops,
 * another candidate leads within the failover bound, and the old one has stopped its duties.
 */
import { createTestDatabase, type TestDatabase } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { SILENT_LOGGER } from './database-logger.js';
import { type LeaderElection, startLeaderElection } from './leader-election.js';
import { openDatabase } from './open-database.js';

const FAILOVER_MS = 900;

let testDb: TestDatabase;
let db: Database;
const elections: LeaderElection[] = [];

beforeAll(async () => {
  testDb = await createTestDatabase('leader');
  db = await openDatabase({ url: testDb.url, poolSize: 2 });
});
afterAll(async () => {
  await Promise.all(elections.map((election) => election.stop()));
  await db?.close();
  await testDb?.drop();
});

interface Candidate {
  election: LeaderElection;
  /** Times this candidate's duties were started and stopped. */
  started: number;
  stopped: number;
}

async function candidate(name: string, lock: string): Promise<Candidate> {
  const state = { started: 0, stopped: 0 } as Candidate;
  state.election = startLeaderElection({
    url: testDb.url,
    name: lock,
    failoverMs: FAILOVER_MS,
    logger: SILENT_LOGGER,
    applicationName: name,
    onElected: () => {
      state.started += 1;
    },
    onDeposed: () => {
      state.stopped += 1;
    },
  });
  elections.push(state.election);
  await state.election.firstTry;
  return state;
}

async function waitUntil(check: () => boolean, withinMs: number): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - start;
}

describe('startLeaderElection', () => {
  it('elects exactly one of three candidates', async () => {
    const candidates = [
      await candidate('leader-a', 'duties-one'),
      await candidate('leader-b', 'duties-one'),
      await candidate('leader-c', 'duties-one'),
    ];
    // Later tries change nothing while the leader lives.
    await new Promise((resolve) => setTimeout(resolve, FAILOVER_MS));
    expect(candidates.map((c) => c.election.isLeader())).toEqual([true, false, false]);
    expect(candidates.map((c) => c.started)).toEqual([1, 0, 0]);
    // Postgres agrees: one session holds the lock.
    const { rows } = await db.query<{ holders: number }>(
      "select count(*)::int as holders from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())",
    );
    expect(rows[0]?.holders).toBe(1);
  });

  it('moves the duties within the failover bound when the server ends the leader session', async () => {
    const a = await candidate('leader-d', 'duties-two');
    const b = await candidate('leader-e', 'duties-two');
    expect(a.election.isLeader()).toBe(true);
    await db.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'leader-d'",
    );
    const tookMs = await waitUntil(() => b.election.isLeader(), FAILOVER_MS * 2);
    expect(tookMs).toBeLessThanOrEqual(FAILOVER_MS * 2);
    await waitUntil(() => a.stopped === 1, FAILOVER_MS);
    expect(a.election.isLeader()).toBe(false);
    expect(b.started).toBe(1);
  });

  it('hands over when the leader stops', async () => {
    const a = await candidate('leader-f', 'duties-three');
    const b = await candidate('leader-g', 'duties-three');
    await a.election.stop();
    expect(a.stopped).toBe(1);
    await waitUntil(() => b.election.isLeader(), FAILOVER_MS);
    expect(a.election.isLeader()).toBe(false);
  });

  it('keeps separate names apart', async () => {
    const a = await candidate('leader-h', 'duties-four');
    const b = await candidate('leader-i', 'duties-five');
    expect([a.election.isLeader(), b.election.isLeader()]).toEqual([true, true]);
  });
});
