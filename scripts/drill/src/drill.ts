/**
 * The stage every drill runs on: a real queue-api (the test harness: its own database and
 * storage, served over HTTP) whose Postgres connections pass through a TCP proxy the drill
 * controls and whose Redis is a private redis-server it may stop or kill, plus real worker
 * processes. Helpers submit jobs the way a client does and wait for their outcome.
 */
import { randomUUID } from 'node:crypto';
import { type Database, openDatabase } from '@gpuq/db';
import { type ApiHarness, startApi } from '@gpuq/queue-api/testing';
import {
  type PrivateRedis,
  startPrivateRedis,
  startTcpProxy,
  type TcpProxy,
  TEST_DATABASE_URL,
} from '@gpuq/testing';
import { Fleet } from './fleet.js';

/** Short settings so outages and deadlines play out in seconds (OPERATIONS.md has the defaults). */
export const DRILL_SETTINGS = {
  REQUEST_DEADLINE_MS: 3_000,
  DB_STATEMENT_TIMEOUT_MS: 1_500,
  DB_CONNECT_TIMEOUT_MS: 1_000,
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: 3_000,
  DB_LISTENER_HEARTBEAT_MS: 500,
  READINESS_TIMEOUT_MS: 1_000,
} as const;

export interface DrillUser {
  id: string;
  token: string;
}

export interface Submission {
  status: number;
  id: string | undefined;
  ms: number;
}

export interface Row {
  scenario: string;
  expected: string;
  observed: string;
  lost: number;
  duplicated: number;
  pass: boolean;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The Redis a drill runs on: the private node by default, or a Cluster or Sentinel set-up. */
export interface DrillRedis {
  destroy(): Promise<void>;
}

export class Drill<Redis extends DrillRedis = PrivateRedis> {
  readonly fleet: Fleet;

  private constructor(
    readonly api: ApiHarness,
    readonly redis: Redis,
    readonly proxy: TcpProxy,
    /** The same database, reached without the proxy: what was really committed. */
    readonly direct: Database,
  ) {
    this.fleet = new Fleet(() => this.api);
  }

  static async start(): Promise<Drill> {
    const redis = await startPrivateRedis({ appendOnly: true });
    return Drill.startOn(redis, { REDIS_URL: redis.url });
  }

  /** A drill on `redis`, which the api and workers reach through `redisSettings` (REDIS_*, QUEUE_PREFIX). */
  static async startOn<Redis extends DrillRedis>(
    redis: Redis,
    redisSettings: Record<string, string>,
  ): Promise<Drill<Redis>> {
    const target = new URL(TEST_DATABASE_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const api = await startApi(
      {
        ...redisSettings,
        DATABASE_URL_VIA_PROXY: String(proxy.port),
        RATE_LIMIT_PER_MIN: '100000',
        MAX_JOBS_IN_FLIGHT: '1000',
        JOB_MAX_ATTEMPTS: '5',
        ...Object.fromEntries(Object.entries(DRILL_SETTINGS).map(([key, value]) => [key, String(value)])),
      },
      { background: true },
    );
    const directUrl = new URL(api.env.DATABASE_URL ?? '');
    directUrl.port = target.port || '5432';
    const direct = await openDatabase({ url: directUrl.toString(), poolSize: 4 });
    return new Drill<Redis>(api, redis, proxy, direct);
  }

  async users(count: number): Promise<DrillUser[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const id = randomUUID();
        return { id, token: await this.api.token(id) };
      }),
    );
  }

  /** One queue-job request, as a client sends it. */
  async submit(
    user: DrillUser,
    options: { key?: string; jobType?: string; timeoutMs?: number } = {},
  ): Promise<Submission> {
    const started = Date.now();
    try {
      const response = await this.api.request('/functions/v1/queue-job', {
        token: user.token,
        json: { jobType: options.jobType ?? 'image_fast' },
        headers: options.key ? { 'idempotency-key': options.key } : {},
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
      const body = (await response.json().catch(() => ({}))) as { job?: { id: string } };
      return { status: response.status, id: body.job?.id, ms: Date.now() - started };
    } catch {
      return { status: 0, id: undefined, ms: Date.now() - started };
    }
  }

  /** A well-behaved client: the same Idempotency-Key on every try, until the job is accepted. */
  async submitUntilAccepted(user: DrillUser, jobType = 'image_fast', timeoutMs = 120_000): Promise<string> {
    const key = randomUUID();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await this.submit(user, { key, jobType });
      if ((answer.status === 200 || answer.status === 202) && answer.id) return answer.id;
      if (Date.now() > deadline) throw new Error(`queue-job not accepted: last status ${answer.status}`);
      await sleep(500);
    }
  }

  /** Waits until every task is finished (or the time is up); the audit judges the outcome. */
  async settle(ids: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const { rows } = await this.direct.query<{ n: number }>(
        `select count(*)::int as n from public.tasks where id = any($1::uuid[]) and status in ('Complete', 'Failed', 'Cancelled')`,
        [ids],
      );
      if (rows[0]?.n === new Set(ids).size) return;
      await sleep(250);
    }
  }

  async status(id: string): Promise<{ status: string; workerId: string | null } | undefined> {
    const { rows } = await this.direct.query<{ status: string; worker_id: string | null }>(
      'select status, worker_id from public.tasks where id = $1',
      [id],
    );
    return rows[0] ? { status: rows[0].status, workerId: rows[0].worker_id } : undefined;
  }

  async waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return true;
      await sleep(100);
    }
    return false;
  }

  async ready(): Promise<boolean> {
    const response = await this.api
      .request('/readyz', { signal: AbortSignal.timeout(5_000) })
      .catch(() => null);
    return response?.status === 200;
  }

  async close(): Promise<void> {
    await this.fleet.stopAll();
    await this.proxy.restore().catch(() => undefined);
    await this.direct.close().catch(() => undefined);
    await this.api.close().catch(() => undefined);
    await this.proxy.close();
    await this.redis.destroy();
  }
}
