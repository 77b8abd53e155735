/**
 * Three real queue-api processes sharing Redis and Postgres behind a round-robin balancer, with a
 * worker process of the real worker runtime. Clients spread their requests over all three; the
 * instance leading the background loops is killed (SIGKILL) while jobs run. Nothing is lost or
 * done twice: every job completes once and is charged once, the in-flight cap and Idempotency-Key
 * hold across instances, an event stream on one instance hears jobs submitted on the others, and
 * a surviving instance takes the loops over (its reconciler puts back a job Redis lost).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, listLedger, openDatabase } from '@gpuq/db';
import { JOB_CATALOG, QueueJobResponse } from '@gpuq/job-types';
import { createRedis, JobQueues, type RedisClient } from '@gpuq/queue';
import { type RunningProcess, runTsEntry, TEST_REDIS_URL } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream } from '../reliability/support.js';
import { type ApiFleet, type ApiProcess, startApiFleet } from './api-processes.js';

const FAILOVER_S = 3;
const CAP = 4;
const USERS = 5;
/** Requests per user per minute: room for a load user's CAP + 1, not for the rate user's CAP + 3. */
const RATE = CAP + 2;

let fleet: ApiFleet;
let db: Database;
let redis: RedisClient;
let queues: JobQueues;
let worker: RunningProcess | undefined;

beforeAll(async () => {
  fleet = await startApiFleet(3, {
    LEADER_FAILOVER_S: String(FAILOVER_S),
    MAX_JOBS_IN_FLIGHT: String(CAP),
    RATE_LIMIT_PER_MIN: String(RATE),
  });
  db = await openDatabase({ url: fleet.database.url, poolSize: 3 });
  redis = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'fleet-test' });
  queues = new JobQueues({ connection: redis, prefix: fleet.queuePrefix });
}, 120_000);

afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await worker?.exited();
  for (const queue of queues?.all() ?? []) await queue.obliterate({ force: true }).catch(() => {});
  await queues?.close();
  redis?.disconnect();
  await db?.close();
  await fleet?.close();
});

const leaders = () =>
  fleet.instances.filter((api) => api.alive() && api.process.output().includes('"msg":"leading"'));

function release(taskId: string): void {
  mkdirSync(join(fleet.dataDir, 'release'), { recursive: true });
  writeFileSync(join(fleet.dataDir, 'release', taskId), '');
}

interface Submitted {
  userId: string;
  token: string;
  key: string;
  status: number;
  /** Which limit refused it: `in-flight`, `rate`, or none. */
  refusedBy?: 'in-flight' | 'rate';
  jobId?: string;
}

/** One user's requests, at once, each to the next instance in turn. */
async function submit(userIndex: number, requests: number): Promise<Submitted[]> {
  const userId = randomUUID();
  const token = await fleet.token(userId);
  return Promise.all(
    Array.from({ length: requests }, async (_, i) => {
      const api = fleet.instances[(userIndex + i) % fleet.instances.length]!;
      const key = `order-${userIndex}-${i}`;
      const response = await api.request('/functions/v1/queue-job', {
        token,
        headers: { 'idempotency-key': key },
        json: { jobType: 'sdxl_image_fast', metadata: { prompt: `fleet ${userIndex}.${i}` } },
      });
      const body = await response.json();
      const refusal = (body as { error?: { message?: string } }).error?.message ?? '';
      return {
        userId,
        token,
        key,
        status: response.status,
        ...(response.status === 200 ? { jobId: QueueJobResponse.parse(body).job.id } : {}),
        ...(response.status === 429
          ? { refusedBy: /queued or running/.test(refusal) ? ('in-flight' as const) : ('rate' as const) }
          : {}),
      };
    }),
  );
}

async function taskStatuses(ids: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; status: string }>(
    'select id, status from public.tasks where id = any($1::uuid[])',
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.status]));
}

describe('three api instances', () => {
  it('elect one leader for the background loops', async () => {
    await expect.poll(() => leaders().length, { timeout: 10_000 }).toBe(1);
  });

  it('lose and repeat nothing when the leader is killed mid-run', async () => {
    const [leader] = leaders() as [ApiProcess];
    const survivors = fleet.instances.filter((api) => api !== leader);

    // Load over all three; each user asks for one job more than the in-flight cap allows.
    const byUser = await Promise.all(Array.from({ length: USERS }, (_, u) => submit(u, CAP + 1)));
    for (const requests of byUser)
      expect(requests.map((s) => s.status).sort()).toEqual([...Array(CAP).fill(200), 429]);
    // One counter per user in Redis, whichever instance answers: RATE + 1 requests spread over
    // three instances meet the limit once (a counter per instance would see 2 or 3 each).
    const rateUser = await submit(USERS + 1, RATE + 1);
    expect(rateUser.filter((s) => s.refusedBy === 'rate')).toHaveLength(1);
    expect(rateUser.filter((s) => s.refusedBy === 'in-flight')).toHaveLength(RATE - CAP);
    byUser.push(rateUser);
    const accepted = byUser.flat().filter((s) => s.status === 200);
    for (const api of fleet.instances) expect(api.process.output()).not.toContain('"level":50');

    // An event stream on a surviving instance, for a user whose jobs went to all three.
    const watched = await submit(USERS, 3);
    // The same Idempotency-Key on another instance answers the same job and charges nothing more.
    const first = watched[0]!;
    const again = await fleet.instances[1]!.request('/functions/v1/queue-job', {
      token: first.token,
      headers: { 'idempotency-key': first.key },
      json: { jobType: 'sdxl_image_fast', metadata: { prompt: `fleet ${USERS}.0` } },
    });
    expect(again.status).toBe(200);
    expect(QueueJobResponse.parse(await again.json()).job.id).toBe(first.jobId);
    const stream = await openEventStream(survivors[0]!, watched[0]!.token);
    const jobIds = [...accepted, ...watched].map((s) => s.jobId!);
    try {
      // A job whose enqueue Redis lost: only the reconciler of whoever leads puts it back.
      const lost = accepted.at(-1)!.jobId!;
      await queues.queue('sdxl_queue').remove(lost);
      await db.query("update public.tasks set created_at = now() - interval '1 minute' where id = $1", [
        lost,
      ]);

      worker = runTsEntry(
        'test/fixtures/held-worker.ts',
        fleet.workerEnv('fleet-gpu', { LOG_LEVEL: 'info', WORKER_CONCURRENCY: '4' }),
      );
      await worker.waitFor('worker started', 60_000);
      const half = Math.floor(jobIds.length / 2);
      for (const id of jobIds.slice(0, half)) release(id);
      await expect
        .poll(async () => [...(await taskStatuses(jobIds)).values()].filter((s) => s === 'Complete').length, {
          timeout: 30_000,
        })
        .toBeGreaterThanOrEqual(3);
      await leader.kill();
      for (const id of jobIds.slice(half)) release(id);

      // A survivor leads within the failover bound (plus room for a loaded machine), and its loops
      // run. The bound itself is measured in-process by packages/db's leader-election test.
      await expect.poll(() => leaders().length, { timeout: (FAILOVER_S + 5) * 1000 }).toBe(1);
      expect(survivors).toContain(leaders()[0]);
      await expect
        .poll(() => leaders()[0]!.process.output().includes('reconciler enqueued tasks missing from Redis'), {
          timeout: 10_000,
        })
        .toBe(true);

      await expect
        .poll(async () => [...(await taskStatuses(jobIds)).values()].filter((s) => s === 'Complete').length, {
          timeout: 60_000,
        })
        .toBe(jobIds.length);

      // Each job once: completed with one output.
      const credits = JOB_CATALOG.sdxl_image_fast.credits;
      for (const s of [...accepted, ...watched]) {
        const response = await survivors[0]!.request(`/v1/jobs/${s.jobId}`, { token: s.token });
        const { job } = (await response.json()) as { job: { status: string; outputs: unknown[] } };
        expect(job).toMatchObject({ status: 'completed' });
        expect(job.outputs).toHaveLength(1);
        // Reserved once at submission, settled once at completion, never refunded.
        const ledger = await listLedger(db, { userId: s.userId, taskId: s.jobId! });
        expect(ledger.map((entry) => entry.kind)).toEqual(['reservation', 'settlement']);
        expect(ledger[0]?.amount).toBe(-credits);
      }
      await expect
        .poll(
          () =>
            stream.jobs
              .filter((event) => event.status === 'completed')
              .map((event) => event.id)
              .sort(),
          {
            timeout: 10_000,
          },
        )
        .toEqual(watched.map((s) => s.jobId).sort());
    } finally {
      stream.close();
    }
  }, 170_000);
});
