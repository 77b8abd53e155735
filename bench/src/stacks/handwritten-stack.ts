/**
 * The minimal hand-written path (roles/handwritten-*) on its own fresh database with the two
 * tables it needs, on a unique prefix of the same Redis: the yardstick for (b) and (d).
 */
import { createTestDatabase, freePort, TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import pg from 'pg';
import { type Child, ioCountsOf, startRole, stopInOrder } from '../util/child.js';
import { readCpu } from '../util/cpu-time.js';
import type { RunningStack, StackOptions } from './gpuq-stack.js';
import { userUuid } from './gpuq-stack.js';

const SCHEMA = `
  create table bench_credits (user_id text primary key, credits bigint not null);
  create table bench_tasks (
    id uuid primary key, user_id text not null, body jsonb not null,
    status text not null default 'queued',
    created_at timestamptz not null default now(), updated_at timestamptz not null default now());`;

export interface HandwrittenStack extends RunningStack {
  /** The bare Hono hello route on the same server, for (d). */
  helloUrl: string;
}

export async function startHandwrittenStack(options: StackOptions): Promise<HandwrittenStack> {
  const database = await createTestDatabase('bench_hw');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  await pool.query(SCHEMA);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const common = { REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: uniqueQueuePrefix('bench-hw') };
  const children: Child[] = [
    startRole('handwritten-api', {
      label: 'hand-written api',
      countIo: options.countIo,
      env: { ...common, PORT: String(port), DATABASE_URL: database.url },
    }),
  ];
  for (let index = 0; index < options.workers; index += 1) {
    children.push(
      startRole('handwritten-worker', {
        label: `hand-written worker ${index + 1}`,
        countIo: options.countIo,
        env: { ...common, CALLBACK_URL: `${url}/callback`, CONCURRENCY: String(options.concurrency) },
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

  return {
    enqueueUrl: `${url}/enqueue`,
    helloUrl: `${url}/hello`,
    headersFor: (index) => ({ 'x-user-id': userUuid(index) }),
    async completed() {
      const { rows } = await pool.query(
        `select count(*)::int as n from bench_tasks where status = 'completed'`,
      );
      return rows[0].n as number;
    },
    async stages() {
      const { rows } = await pool.query(
        `select extract(epoch from updated_at - created_at) * 1000 as total
           from bench_tasks where status = 'completed'`,
      );
      return { 'request tx start → completed': rows.map((row) => Number(row.total)) };
    },
    ioCounts: () => ioCountsOf(children),
    cpu: () => readCpu(children, pool, new URL(database.url).pathname.slice(1)),
    async stop() {
      const peaks = await stopInOrder([...children.slice(1), children[0]!]);
      await pool.end();
      await database.drop().catch(() => {});
      return peaks;
    },
  };
}
