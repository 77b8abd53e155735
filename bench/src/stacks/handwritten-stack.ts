/**
 * The hand-written paths (roles/handwritten-*), the yardsticks for (b) and (d), each on its own
 * fresh database, on a unique prefix of the same Redis:
 * - `bare`: two tables of its own; enqueue = 1 tx + add, worker = one POST, completion = 1 update.
 * - `records`: our migrated schema and the records ours writes per job (roles/handwritten-records-*),
 *   with the worker's file written to staging and moved into its bucket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '@gpuq/db';
import { createTestDatabase, freePort, TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import pg from 'pg';
import { type Child, ioCountsOf, startRole, stopInOrder } from '../util/child.js';
import { readCpu } from '../util/cpu-time.js';
import { dropRedisKeys } from '../util/drop-redis-keys.js';
import type { RunningStack, StackOptions } from './gpuq-stack.js';
import { userUuid } from './gpuq-stack.js';

export type HandwrittenKind = 'bare' | 'records';

const BARE_SCHEMA = `
  create table bench_credits (user_id text primary key, credits bigint not null);
  create table bench_tasks (
    id uuid primary key, user_id text not null, body jsonb not null,
    status text not null default 'queued',
    created_at timestamptz not null default now(), updated_at timestamptz not null default now());`;

/** What each kind reads back: its finished jobs and their request → completed durations. */
const FINISHED = {
  bare: { table: 'bench_tasks', done: `status = 'completed'`, finishedAt: 'updated_at' },
  records: { table: 'public.tasks', done: `status = 'Complete'`, finishedAt: 'generation_processed_at' },
} as const;

export interface HandwrittenStack extends RunningStack {
  /** The bare Hono hello route on the same server, for (d). */
  helloUrl: string;
  /** A pool on the stack's database, for the bench's own reads. */
  pool: pg.Pool;
  /** `records`: where an object of a bucket lies on disk. */
  fileOf(bucket: string, path: string): string;
}

export interface HandwrittenOptions extends StackOptions {
  kind?: HandwrittenKind;
  /** `records`: users whose profile (with credits) and default project exist before the first job. */
  users?: number;
}

export async function startHandwrittenStack(options: HandwrittenOptions): Promise<HandwrittenStack> {
  const kind = options.kind ?? 'bare';
  const users = options.users ?? 1;
  const database = await createTestDatabase(kind === 'bare' ? 'bench_hw' : 'bench_hwr');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  const dataDir = mkdtempSync(join(tmpdir(), 'gpuq-bench-hwr-'));
  const workerIds = Array.from({ length: options.workers }, (_, index) => `bench-hwr-${index + 1}`);
  if (kind === 'bare') await pool.query(BARE_SCHEMA);
  else await prepareRecordsSchema(database.url, pool, users, workerIds);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const queuePrefix = uniqueQueuePrefix(`bench-${kind}`);
  const common = {
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    DATA_DIR: dataDir,
  };
  const role = kind === 'bare' ? 'handwritten' : 'handwritten-records';
  const label = kind === 'bare' ? 'hand-written' : 'hand-written records';
  const children: Child[] = [
    startRole(`${role}-api`, {
      label: `${label} api`,
      countIo: options.countIo,
      cpuProfDir: options.cpuProfDir && join(options.cpuProfDir, `${role}-api`),
      env: { ...common, PORT: String(port), DATABASE_URL: database.url },
    }),
  ];
  for (const [index, workerId] of workerIds.entries()) {
    children.push(
      startRole(`${role}-worker`, {
        label: `${label} worker ${index + 1}`,
        countIo: options.countIo,
        env: {
          ...common,
          CALLBACK_URL: `${url}/callback`,
          API_URL: url,
          WORKER_ID: workerId,
          CONCURRENCY: String(options.concurrency),
        },
      }),
    );
  }
  try {
    for (const child of children) await child.waitFor('ready');
  } catch (error) {
    await Promise.all(children.map((child) => child.stop()));
    await pool.end();
    throw error;
  }

  const finished = FINISHED[kind];
  return {
    enqueueUrl: `${url}/enqueue`,
    helloUrl: `${url}/hello`,
    queuePrefix,
    pool,
    fileOf: (bucket, path) => join(dataDir, bucket, path),
    // Bare: any id is a user (its credit row is upserted); records: the users prepared above.
    headersFor: (index) => ({ 'x-user-id': userUuid(kind === 'bare' ? index : index % users) }),
    async completed() {
      const { rows } = await pool.query(
        `select count(*)::int as n from ${finished.table} where ${finished.done}`,
      );
      return rows[0].n as number;
    },
    async stages() {
      const { rows } = await pool.query(
        `select extract(epoch from ${finished.finishedAt} - created_at) * 1000 as total
           from ${finished.table} where ${finished.done}`,
      );
      return { 'request tx start → completed': rows.map((row) => Number(row.total)) };
    },
    ioCounts: () => ioCountsOf(children),
    cpu: () => readCpu(children, pool, new URL(database.url).pathname.slice(1)),
    async stop() {
      const peaks = await stopInOrder([...children.slice(1), children[0]!]);
      await pool.end();
      await database.drop().catch(() => {});
      await dropRedisKeys(TEST_REDIS_URL, queuePrefix).catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
      return peaks;
    },
  };
}

/** Our schema, and what ours makes on a user's first request: profile, credits, default project. */
async function prepareRecordsSchema(
  url: string,
  pool: pg.Pool,
  users: number,
  workerIds: readonly string[],
): Promise<void> {
  const db = await openDatabase({ url });
  try {
    await migrate(db);
  } finally {
    await db.close();
  }
  const ids = Array.from({ length: users }, (_, index) => userUuid(index));
  await pool.query(`insert into public.profiles (id, credits) select unnest($1::uuid[]), 1000000000`, [ids]);
  await pool.query(
    `insert into public.projects (user_id, name, is_default) select unnest($1::uuid[]), 'Default', true`,
    [ids],
  );
  await pool.query(
    `insert into public.workers (id, status, last_heartbeat) select unnest($1::text[]), 'active', now()`,
    [workerIds],
  );
}
