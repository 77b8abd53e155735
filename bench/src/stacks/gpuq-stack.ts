/**
 * Our full path as production runs it: queue-api's real entry point (Postgres migrated fresh,
 * callback service and local storage mounted) and N worker processes with the no-op engine,
 * on a fresh database and a unique BullMQ prefix of the shared Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevJwt } from '@gpuq/auth';
import { createTestDatabase, freePort, TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import pg from 'pg';
import {
  type Child,
  type IoCounts,
  ioCountsOf,
  startQueueApi,
  startRole,
  stopInOrder,
} from '../util/child.js';
import { type CpuReading, readCpu } from '../util/cpu-time.js';
import { dropRedisKeys } from '../util/drop-redis-keys.js';
import { waitUntil } from '../util/wait.js';

const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef';

export interface StackOptions {
  /** Worker processes (0: HTTP only). */
  workers: number;
  /** Jobs at once per worker process. */
  concurrency: number;
  /** Count each process's Postgres statements and Redis commands (roles/count-io). */
  countIo?: boolean;
  /** V8 CPU profiles of the api and the first worker go to `queue-api/` and `noop-worker/` here. */
  cpuProfDir?: string;
  /** Redis of this stack (default: the machine's shared one, TEST_REDIS_URL). */
  redisUrl?: string;
  /** Other worker processes instead of `workers` no-op ones (the fleet simulation's). */
  workerRoles?: Array<{ role: string; label: string; env: Record<string, string> }>;
}

export interface RunningStack {
  /** POST target of a queue job. */
  enqueueUrl: string;
  /** The BullMQ prefix of its queues; stop() deletes every key under it. */
  queuePrefix: string;
  /** The same request body for both stacks; headers per user. */
  headersFor(userIndex: number): Record<string, string>;
  /** Jobs finished end to end (recorded in Postgres). */
  completed(): Promise<number>;
  /** Per-job stage durations in ms from the database's own timestamps. */
  stages(): Promise<Record<string, number[]>>;
  /** With `countIo`: round trips per process since the last call (the first call starts counting). */
  ioCounts(): Promise<Record<string, IoCounts>>;
  /** CPU seconds so far of each process of the stack and of its database's backends. */
  cpu(): Promise<CpuReading>;
  /** Stops every process; returns their peak RSS by label. */
  stop(): Promise<Record<string, number | null>>;
}

/** Our stack, with what the fleet simulation reads of it. */
export interface GpuqStack extends RunningStack {
  /** The api's base URL, its process id, the workers' ids, and the stack's own database. */
  apiUrl: string;
  apiPid: number | undefined;
  workerPids: Array<number | undefined>;
  databaseName: string;
  /** A pool on the stack's database, for the bench's own reads. */
  pool: pg.Pool;
}

export async function startGpuqStack(users: number, options: StackOptions): Promise<GpuqStack> {
  const database = await createTestDatabase('bench');
  const dataDir = mkdtempSync(join(tmpdir(), 'gpuq-bench-'));
  const port = await freePort();
  const prefix = uniqueQueuePrefix('bench');
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const url = `http://127.0.0.1:${port}`;
  const common = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
  };
  const api = startQueueApi({
    label: 'queue-api',
    countIo: options.countIo,
    cpuProfDir: options.cpuProfDir && join(options.cpuProfDir, 'queue-api'),
    env: {
      ...common,
      PORT: String(port),
      DATABASE_URL: database.url,
      GPUQ_DATA_DIR: dataDir,
      SUPABASE_JWT_SECRET: JWT_SECRET,
      SUPABASE_SERVICE_ROLE_KEY: 'bench-service-role-key-0123456789',
      CALLBACK_SECRET: 'bench-callback-secret-0123456789',
      // Limits out of the way: the bench measures throughput, not the limiter's refusals.
      RATE_LIMIT_PER_MIN: '100000000',
      MAX_JOBS_IN_FLIGHT: '100000000',
      GPUQ_SIGNUP_CREDITS: '1000000000',
    },
  });
  const children: Child[] = [api];
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    await waitUntil(async () => (await fetch(`${url}/healthz`).catch(() => null))?.ok === true, 'queue-api', {
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    for (const { role, label, env } of options.workerRoles ?? []) {
      const worker = startRole(role, {
        label,
        countIo: options.countIo,
        env: {
          ...common,
          CALLBACK_URL: `${url}/functions/v1/job-callback`,
          GPUQ_DATA_DIR: dataDir,
          GPUQ_DEVICE: 'cpu',
          WORKER_ID: `bench-${label.replace(/\W+/g, '-')}`,
          ...env,
        },
      });
      children.push(worker);
      await worker.waitFor('ready');
    }
    for (let index = 0; index < (options.workerRoles ? 0 : options.workers); index += 1) {
      const worker = startRole('noop-worker', {
        label: `noop-worker ${index + 1}`,
        countIo: options.countIo,
        cpuProfDir: index === 0 && options.cpuProfDir ? join(options.cpuProfDir, 'noop-worker') : undefined,
        env: {
          ...common,
          CALLBACK_URL: `${url}/functions/v1/job-callback`,
          GPUQ_DATA_DIR: dataDir,
          GPUQ_DEVICE: 'cpu',
          WORKER_ID: `bench-noop-${index + 1}`,
          WORKER_CONCURRENCY: String(options.concurrency),
        },
      });
      children.push(worker);
      await worker.waitFor('ready');
    }
  } catch (error) {
    await Promise.all(children.map((child) => child.stop()));
    await pool.end();
    throw error;
  }
  const tokens = await Promise.all(
    Array.from({ length: users }, (_, index) =>
      signDevJwt({ secret: JWT_SECRET, userId: userUuid(index), expiresIn: '2h' }),
    ),
  );

  return {
    apiUrl: url,
    apiPid: api.process.pid,
    workerPids: children.slice(1).map((child) => child.process.pid),
    databaseName: new URL(database.url).pathname.slice(1),
    pool,
    queuePrefix: prefix,
    enqueueUrl: `${url}/functions/v1/queue-job`,
    headersFor: (index) => ({ authorization: `Bearer ${tokens[index % users]}` }),
    async completed() {
      const { rows } = await pool.query(
        `select count(*)::int as n from public.tasks where status = 'Complete'`,
      );
      return rows[0].n as number;
    },
    async stages() {
      const { rows } = await pool.query(
        `select extract(epoch from generation_started_at - created_at) * 1000 as queued_to_claimed,
                extract(epoch from generation_processed_at - generation_started_at) * 1000 as claimed_to_completed,
                extract(epoch from generation_processed_at - created_at) * 1000 as total
           from public.tasks where status = 'Complete'`,
      );
      const pick = (key: string) => rows.map((row) => Number(row[key]));
      return {
        'request tx start → claimed (processing callback)': pick('queued_to_claimed'),
        'claimed → completed (storage + completed callback)': pick('claimed_to_completed'),
        'request tx start → completed': pick('total'),
      };
    },
    ioCounts: () => ioCountsOf(children),
    cpu: () => readCpu(children, pool, new URL(database.url).pathname.slice(1)),
    async stop() {
      // Workers first, so nothing calls back into a stopped api.
      const peaks = await stopInOrder([...children.slice(1), api]);
      await pool.end();
      await database.drop().catch(() => {});
      await dropRedisKeys(redisUrl, prefix).catch(() => {});
      rmSync(dataDir, { recursive: true, force: true });
      return peaks;
    },
  };
}

/** Stable user ids, so the same index is the same user (and credit row) in every phase. */
export function userUuid(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}
