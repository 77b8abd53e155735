/**
 * Races that only a real Postgres with separate connections can stage (PGlite is one connection):
 * concurrent HTTP claims, concurrent credit reservations, and a doubled Complete.
 * Each racer is its own pool of connections, started together behind one barrier.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyJobCallback,
  claimNextTask,
  completeTask,
  createTask,
  type Database,
  ensureDefaultProject,
  ensureProfile,
  failUnfinishedTask,
  getProfile,
  InFlightLimitError,
  InsufficientCreditsError,
  listLedger,
  openDatabase,
  submitJobTask,
  type Task,
} from '../src/index.js';
import { newUser, type OpenedDatabase, openMigratedPostgres } from './support/databases.js';

// Ten backends race; more would only queue on the two CI cores.
const CONNECTIONS = 10;

let opened: OpenedDatabase;
let racers: Database;

beforeAll(async () => {
  opened = await openMigratedPostgres('concurrency', 2);
  racers = await openDatabase({ url: opened.url, poolSize: CONNECTIONS });
  // Open every racing connection up front, so the race measures claims rather than connects.
  await Promise.all(Array.from({ length: CONNECTIONS }, () => racers.query('select pg_sleep(0.05)')));
});

afterAll(async () => {
  await racers?.close();
  await opened?.close();
});

/** Measured numbers go to the test output (the lead quotes them). */
function report(line: string): void {
  process.stdout.write(`  [measured] ${line}\n`);
}

/** Runs `count` calls at once and reports how long the whole race took. */
async function race<T>(count: number, call: (index: number) => Promise<T>) {
  const started = performance.now();
  const outcomes = await Promise.allSettled(Array.from({ length: count }, (_, index) => call(index)));
  return { outcomes, ms: Math.round(performance.now() - started) };
}

describe('concurrency on Postgres', () => {
  it('hands 20 claimable tasks to 50 concurrent claimers exactly once each, never a gated one', async () => {
    const db = opened.db;
    const user = await newUser(db, 1000);
    const claimable = new Set<string>();
    for (let i = 0; i < 20; i++)
      claimable.add((await createTask(db, { ...user, taskType: 'single_image' })).task.id);
    // Gated behind a queue-job task, which the HTTP claim never hands out, so it never completes.
    const blocker = (await createTask(db, { ...user, taskType: 'sdxl_image_fast' })).task;
    const gated = new Set<string>();
    for (let i = 0; i < 5; i++) {
      gated.add(
        (await createTask(db, { ...user, taskType: 'travel_segment', dependantOn: [blocker.id] })).task.id,
      );
    }

    const { outcomes, ms } = await race(50, (index) =>
      claimNextTask(racers, { workerId: `racer-${index % 7}`, userId: user.userId, registerWorker: true }),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
    const ids = outcomes
      .map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : null))
      .filter((task): task is Task => task !== null)
      .map((task) => task.id);

    expect(ids).toHaveLength(20);
    expect(new Set(ids)).toEqual(claimable);
    expect(ids.some((id) => gated.has(id))).toBe(false);
    const rows = await db.query<{ status: string; n: number }>(
      `select status::text, count(*)::int as n from public.tasks where user_id = $1 group by 1 order by 1`,
      [user.userId],
    );
    expect(rows.rows).toEqual([
      { status: 'In Progress', n: 20 },
      { status: 'Queued', n: 6 },
    ]);
    report(`50 concurrent claims over 20 tasks on ${CONNECTIONS} connections: ${ms} ms`);
  });

  it('lets exactly 10 of 100 concurrent reservations through a balance that covers 10', async () => {
    const db = opened.db;
    const user = await newUser(db, 10);
    const { outcomes, ms } = await race(100, () => createTask(racers, { ...user, taskType: 'single_image' }));
    const succeeded = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter(
      (outcome) => outcome.status === 'rejected' && outcome.reason instanceof InsufficientCreditsError,
    );
    expect(succeeded).toHaveLength(10);
    expect(refused).toHaveLength(90);
    expect((await getProfile(db, user.userId))?.credits).toBe(0);
    const ledger = await listLedger(db, { userId: user.userId });
    const reservations = ledger.filter((row) => row.kind === 'reservation');
    expect(reservations).toHaveLength(10);
    expect(ledger.reduce((sum, row) => sum + row.amount, 0)).toBe(0);
    expect(reservations.reduce((sum, row) => sum + row.amount, 0)).toBe(0 - 10);
    expect(ledger.every((row) => row.balanceAfter >= 0)).toBe(true);
    report(`100 concurrent reservations against a balance of 10 on ${CONNECTIONS} connections: ${ms} ms`);
  });

  it('creates one generation and one settlement when Complete is written twice at once', async () => {
    const db = opened.db;
    const user = await newUser(db, 10);
    const { task } = await createTask(db, { ...user, taskType: 'sdxl_image_fast' });
    const { outcomes } = await race(10, (index) =>
      completeTask(racers, { taskId: task.id, outputLocation: `${user.userId}/${index}.png` }),
    );
    expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    const generations = await db.query('select id from public.generations where task_id = $1', [task.id]);
    expect(generations.rows).toHaveLength(1);
    const kinds = (await listLedger(db, { userId: user.userId, taskId: task.id })).map((row) => row.kind);
    expect(kinds).toEqual(['reservation', 'settlement']);
  });

  it('creates one task for one idempotency key sent 20 times at once, charging once', async () => {
    const db = opened.db;
    const user = await newUser(db, 10);
    const key = randomUUID();
    const { outcomes } = await race(20, () =>
      createTask(racers, { ...user, taskType: 'single_image', idempotencyKey: key, requestHash: 'same' }),
    );
    const results = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : null));
    expect(results.filter((result) => result?.created)).toHaveLength(1);
    expect(new Set(results.map((result) => result?.task.id)).size).toBe(1);
    expect((await getProfile(db, user.userId))?.credits).toBe(9);
  });

  it('lets exactly MAX in flight through when 20 submissions of one user race (the profile lock)', async () => {
    const userId = randomUUID();
    const { outcomes, ms } = await race(20, () =>
      submitJobTask(racers, {
        userId,
        taskType: 'image_fast',
        params: {},
        cost: 1,
        signupCredits: 100,
        maxInFlight: 5,
      }),
    );
    report(`20 concurrent submit_job calls, cap 5: ${ms} ms`);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(5);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(InFlightLimitError);
    }
    expect((await getProfile(opened.db, userId))?.credits).toBe(95);
  });

  it("claims a worker's concurrent jobs while its workers row is held elsewhere, and refreshes a stale row", async () => {
    const db = opened.db;
    const user = await newUser(db, 1000);
    const workerId = `gpu-${randomUUID()}`;
    const tasks: string[] = [];
    for (let i = 0; i < 6; i++)
      tasks.push((await createTask(db, { ...user, taskType: 'sdxl_image_fast' })).task.id);
    await applyJobCallback(db, { taskId: tasks[0]!, status: 'processing', attempt: 1, workerId });

    // Another transaction holds the worker's row as an update of it does (a heartbeat in flight,
    // say) and does not commit. The tasks' foreign key to the row only needs a key-share lock.
    const holder = new pg.Client({ connectionString: opened.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select * from public.workers where id = $1 for no key update', [workerId]);
      const claims = race(5, (index) =>
        applyJobCallback(racers, { taskId: tasks[index + 1]!, status: 'processing', attempt: 1, workerId }),
      );
      const waited = new Promise<'waited'>((resolve) => setTimeout(() => resolve('waited'), 5_000));
      const { outcomes, ms } = (await Promise.race([claims, waited])) as Awaited<typeof claims>;
      expect(outcomes, 'the claims waited for the held row').toBeDefined();
      report(`5 claims of one worker while its row was held: ${ms} ms`);
      expect(outcomes.every((outcome) => outcome.status === 'fulfilled')).toBe(true);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    const { rows } = await db.query<{ n: number }>(
      "select count(*)::int as n from public.tasks where id = any($1::uuid[]) and status = 'In Progress' and worker_id = $2",
      [tasks, workerId],
    );
    expect(rows[0]!.n).toBe(6);

    await db.query(
      "update public.workers set last_heartbeat = now() - interval '1 hour', status = 'idle' where id = $1",
      [workerId],
    );
    await applyJobCallback(db, {
      taskId: tasks[0]!,
      status: 'processing',
      attempt: 1,
      workerId,
      progress: 0.5,
    });
    const worker = await db.query<{ status: string; fresh: boolean }>(
      "select status, last_heartbeat > now() - interval '1 minute' as fresh from public.workers where id = $1",
      [workerId],
    );
    expect(worker.rows).toEqual([{ status: 'active', fresh: true }]);
  });

  it('fails a task once and tells exactly one of 10 concurrent callers it did, refunding once', async () => {
    const db = opened.db;
    const user = await newUser(db, 10);
    const { task } = await createTask(db, { ...user, taskType: 'sdxl_image_fast' });
    const { outcomes } = await race(10, () =>
      failUnfinishedTask(racers, { taskId: task.id, errorMessage: 'died in the queue' }),
    );
    const answers = outcomes.map((outcome) =>
      outcome.status === 'fulfilled' ? outcome.value : outcome.reason,
    );
    expect(answers.filter((answer) => answer === true)).toHaveLength(1);
    expect(answers.filter((answer) => answer === false)).toHaveLength(9);
    const kinds = (await listLedger(db, { userId: user.userId, taskId: task.id })).map((row) => row.kind);
    expect(kinds).toEqual(['reservation', 'refund']);
    expect(await failUnfinishedTask(db, { taskId: randomUUID() })).toBe(false);
  });

  it("makes one default project when a new user's first ten submissions race, and every one gets it", async () => {
    const userId = randomUUID();
    await ensureProfile(opened.db, { userId, signupCredits: 100 });
    const { outcomes } = await race(CONNECTIONS, () => ensureDefaultProject(racers, { userId }));
    const ids = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.id : 'rejected'));
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).not.toBe('rejected');
    const rows = await opened.db.query('select id from public.projects where user_id = $1', [userId]);
    expect(rows.rows.map((row) => row.id)).toEqual([ids[0]]);
  });
});
