/**
 * queue-api with Postgres behind pgbouncer in transaction mode (Debian's pgbouncer, a pool of two
 * server sessions shared by every client): the main paths of each suite work, because no request
 * leaves session state behind (no SET outside a transaction, no named prepared statement, RLS
 * roles by `set local`), and LISTEN (event streams, dependency dispatch) and the leader lock use
 * DATABASE_DIRECT_URL. A worker process of the real worker runtime serves the BullMQ fleet.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getProfile, listLedger } from '@gpuq/db';
import { JOB_CATALOG, JobResponse, QueueJobResponse } from '@gpuq/job-types';
import { type PrivatePgbouncer, type RunningProcess, runTsEntry, startPgbouncer } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SECRETS, startApi } from '../api-harness.js';
import { openEventStream } from '../reliability/support.js';

// The smallest valid PNG: one transparent pixel.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let pooler: PrivatePgbouncer;
let api: ApiHarness;
let worker: RunningProcess | undefined;

beforeAll(async () => {
  pooler = await startPgbouncer({ poolSize: 2 });
  api = await startApi(
    { MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000', DB_POOL_SIZE: '8' },
    { pooler, background: true },
  );
}, 60_000);

afterAll(async () => {
  if (worker && worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await worker?.exited();
  await api?.close();
  await pooler?.stop();
});

/** Lets the held worker finish `taskId` whenever it runs it (test/fixtures/held-worker.ts). */
function release(taskId: string): void {
  mkdirSync(join(api.env.GPUQ_DATA_DIR, 'release'), { recursive: true });
  writeFileSync(join(api.env.GPUQ_DATA_DIR, 'release', taskId), '');
}

/** Transactions pgbouncer has carried to Postgres for this api's database so far. */
function pooledTransactions(): number {
  const database = new URL(api.env.DATABASE_DIRECT_URL ?? '').pathname.slice(1);
  const row = pooler.admin('show stats').find((stats) => stats.database === database);
  return Number(row?.total_xact_count ?? 0);
}

async function projectOf(token: string): Promise<string> {
  const response = await api.request('/v1/projects', { token, json: { name: 'pooled' } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { project: { id: string } }).project.id;
}

describe('queue-api through pgbouncer in transaction mode', () => {
  it('runs the request paths through the pooler and keeps LISTEN on the direct connection', async () => {
    expect(api.env.DATABASE_URL).toContain(`:${pooler.port}/`);
    const before = pooledTransactions();
    const token = await api.token(randomUUID());
    expect((await api.request('/v1/jobs', { token })).status).toBe(200);
    expect(pooledTransactions()).toBeGreaterThan(before);
    // The event streams' LISTEN is up although a transaction pooler cannot carry it, and neither it
    // nor the leader lock's session is a client of the pooler.
    expect(api.services.db.listenerStatus()).toMatchObject({ listening: true });
    const poolerClients = pooler.admin('show clients').map((client) => client.application_name);
    expect(poolerClients).toContain('gpuq');
    expect(poolerClients.filter((name) => /listen|leader/.test(name ?? ''))).toEqual([]);
    const { rows } = await api.services.db.query<{ application_name: string }>(
      `select a.application_name from pg_locks l join pg_stat_activity a on a.pid = l.pid
        where l.locktype = 'advisory' and l.granted and l.database = (select oid from pg_database where datname = current_database())`,
    );
    expect(rows).toEqual([{ application_name: 'queue-api-leader' }]);
    expect((await api.request('/readyz')).status).toBe(200);
  });

  it('serves the task protocol: create, claim, complete with a base64 file, under RLS', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    const projectId = await projectOf(token);
    const created = await api.request('/functions/v1/create-task', {
      token,
      json: {
        task_type: 'single_image',
        project_id: projectId,
        params: { prompt: 'a pooled lighthouse' },
        dependant_on: [],
      },
    });
    expect(created.status).toBe(200);
    const taskId = created.headers.get('x-task-id');
    const service = SECRETS.SUPABASE_SERVICE_ROLE_KEY;
    const claimed = await api.request('/functions/v1/claim-next-task', {
      token: service,
      json: { worker_id: 'pooled-http-worker', run_type: 'gpu' },
    });
    expect(claimed.status).toBe(200);
    expect(((await claimed.json()) as { task_id: string }).task_id).toBe(taskId);
    const completed = await api.request('/functions/v1/complete_task', {
      token: service,
      json: { task_id: taskId, file_data: PNG.toString('base64'), filename: 'image.png' },
    });
    expect(completed.status).toBe(200);
    // Read back as its owner through /rest/v1, where RLS applies (role set per transaction).
    const rows = (await (
      await api.request(`/rest/v1/tasks?select=id,status,user_id&id=eq.${taskId}`, {
        token,
        headers: { apikey: 'anon' },
      })
    ).json()) as Array<{ id: string; status: string; user_id: string }>;
    expect(rows).toEqual([{ id: taskId, status: 'Complete', user_id: userId }]);
    const stranger = await api.token(randomUUID());
    const hidden = await api.request(`/rest/v1/tasks?select=id&id=eq.${taskId}`, { token: stranger });
    expect(await hidden.json()).toEqual([]);
  }, 30_000);

  it('takes a signed upload', async () => {
    const token = await api.token(randomUUID());
    const queued = QueueJobResponse.parse(
      await (
        await api.request('/functions/v1/queue-job', {
          token,
          json: { jobType: 'sdxl_image_fast', metadata: {} },
        })
      ).json(),
    );
    // The fleet's worker, started later, finishes this job instead of holding it.
    release(queued.job.id);
    const signed = await api.request('/functions/v1/generate-upload-url', {
      token,
      json: { task_id: queued.job.id, filename: 'upload.png', content_type: 'image/png' },
    });
    expect(signed.status).toBe(200);
    const { upload_url: uploadUrl } = (await signed.json()) as { upload_url: string };
    const put = await fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: PNG,
    });
    expect(put.status).toBe(200);
  });

  it('runs queue-job → worker callbacks → completed, charged once, with its events on the stream', async () => {
    worker = runTsEntry('test/fixtures/held-worker.ts', api.workerEnv('pooled-gpu', { LOG_LEVEL: 'info' }));
    await worker.waitFor('worker started', 60_000);
    const userId = randomUUID();
    const token = await api.token(userId);
    const stream = await openEventStream(api, token);
    try {
      const response = await api.request('/functions/v1/queue-job', {
        token,
        json: { jobType: 'sdxl_image_fast', metadata: { prompt: 'a pooled fox' } },
      });
      expect(response.status).toBe(200);
      const { job } = QueueJobResponse.parse(await response.json());
      release(job.id);
      await expect
        .poll(
          async () =>
            JobResponse.parse(await (await api.request(`/v1/jobs/${job.id}`, { token })).json()).job.status,
          { timeout: 30_000 },
        )
        .toBe('completed');
      const record = JobResponse.parse(await (await api.request(`/v1/jobs/${job.id}`, { token })).json()).job;
      expect(record.outputs).toHaveLength(1);
      expect((await fetch(record.outputs[0]!.url)).status).toBe(200);
      const credits = JOB_CATALOG.sdxl_image_fast.credits;
      expect((await getProfile(api.services.db, userId))?.credits).toBe(100 - credits);
      const charges = (await listLedger(api.services.db, { userId, taskId: job.id })).filter(
        (entry) => entry.amount < 0,
      );
      expect(charges.map((entry) => entry.amount)).toEqual([-credits]);
      // The stream heard it through LISTEN on the direct connection.
      await expect
        .poll(() => stream.jobs.filter((event) => event.id === job.id).map((event) => event.status), {
          timeout: 10_000,
        })
        .toContain('completed');
    } finally {
      stream.close();
    }
  }, 90_000);
});
