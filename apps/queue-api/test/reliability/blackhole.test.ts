/**
 * A Postgres that stops answering without refusing (the proxy holds every socket open and passes
 * nothing, then delivers what it held once restored). Every request is answered 503 with
 * Retry-After within its deadline, `/readyz` within its 1 s check time, the pool does not stay
 * stuck, and no request that was answered 503 leaves a task or a charge behind, even though its
 * statements reach the server late. After recovery the same requests, retried without an
 * Idempotency-Key, land once each.
 *
 * Short settings in place of the defaults (10 s deadline, 5 s statement timeout, 3 s connect
 * timeout, 2 s readiness checks): a 3 s request deadline, 1.5 s statement timeout, 1 s connect
 * timeout, 1 s readiness checks, a pool of 4, and a 10 s blackhole.
 */
import { randomUUID } from 'node:crypto';
import { createDeadline, DatabaseUnavailableError, getProfile, runWithDeadline } from '@gpuq/db';
import { jobSpec } from '@gpuq/job-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxiedApi, readiness, sleep, startProxiedApi } from './support.js';

const DEADLINE_MS = 3_000;
/** Time for the answer to travel back once the deadline passed (a loaded CI machine). */
const ANSWER_SLACK_MS = 2_000;

let env: ProxiedApi;
beforeAll(async () => {
  env = await startProxiedApi({
    REQUEST_DEADLINE_MS: String(DEADLINE_MS),
    DB_STATEMENT_TIMEOUT_MS: '1500',
    DB_CONNECT_TIMEOUT_MS: '1000',
    DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '3000',
    READINESS_TIMEOUT_MS: '1000',
    DB_LISTENER_HEARTBEAT_MS: '500',
    DB_POOL_SIZE: '4',
    RATE_LIMIT_PER_MIN: '1000',
    MAX_JOBS_IN_FLIGHT: '50',
  });
}, 60_000);
afterAll(async () => {
  await env?.close();
});

const taskCount = async () =>
  (await env.direct.query<{ n: number }>('select count(*)::int as n from public.tasks')).rows[0]!.n;

describe('Postgres blackholed', () => {
  it('answers 503 within the deadline, commits nothing, and lands every retried request once after recovery', async () => {
    const { api, proxy } = env;
    const users = Array.from({ length: 8 }, () => randomUUID());
    const tokens = await Promise.all(users.map((userId) => api.token(userId)));
    const queueJob = (token: string, signal?: AbortSignal) =>
      api.request('/functions/v1/queue-job', {
        token,
        json: { jobType: 'image_fast' },
        ...(signal ? { signal } : {}),
      });
    // A warm pool: its connections are the ones the blackhole swallows.
    for (const token of tokens.slice(0, 4))
      expect((await api.request('/v1/jobs', { token })).status).toBe(200);

    await proxy.blackhole();
    const started = Date.now();
    // Twice the pool's size at once, then again: nothing may queue up behind stuck connections.
    for (const wave of [1, 2]) {
      const answers = await Promise.all([
        ...tokens.map((token) => queueJob(token, AbortSignal.timeout(DEADLINE_MS + ANSWER_SLACK_MS))),
        api.request('/v1/jobs', {
          token: tokens[0],
          signal: AbortSignal.timeout(DEADLINE_MS + ANSWER_SLACK_MS),
        }),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('5');
        expect(await answer.json()).toMatchObject({ error: { code: 'unavailable' } });
      }
      const ready = await api.request('/readyz', { signal: AbortSignal.timeout(2_000) });
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { postgres: { ok: false } } });
      if (wave === 1) await sleep(1_000);
    }
    await sleep(Math.max(0, 10_000 - (Date.now() - started)));
    await proxy.restore();

    // Whatever the proxy held now reaches the server: none of it may commit.
    await expect
      .poll(async () => (await readiness(api)).status, { timeout: 20_000, interval: 250 })
      .toBe(200);
    await sleep(1_000);
    expect(await taskCount()).toBe(0);
    for (const userId of users) expect((await getProfile(env.direct, userId))?.credits ?? 100).toBe(100);

    // The clients retry (no Idempotency-Key): each request lands once, charged once.
    const ids: string[] = [];
    for (const token of tokens) {
      const answer = await queueJob(token);
      expect(answer.status).toBe(200);
      ids.push(((await answer.json()) as { job: { id: string } }).job.id);
    }
    expect(await taskCount()).toBe(users.length);
    const cost = jobSpec('image_fast').credits;
    for (const userId of users) expect((await getProfile(env.direct, userId))?.credits).toBe(100 - cost);
    const queue = api.services.queues.queue('wan_queue');
    for (const id of ids) expect((await queue.getJob(id))?.id).toBe(id);
  }, 90_000);

  it('rolls back a transaction whose COMMIT reaches the server after the deadline', async () => {
    const { api, proxy, direct } = env;
    await direct.exec('create table if not exists public.reliability_probe (id uuid primary key)');
    const id = randomUUID();
    const deadline = createDeadline(1_500);
    const outcome = runWithDeadline(deadline, () =>
      api.services.db.transaction(async (tx) => {
        await tx.query('insert into public.reliability_probe (id) values ($1)', [id]);
        // The network fails between the last statement and the COMMIT.
        await proxy.blackhole();
      }),
    );
    await expect(outcome).rejects.toBeInstanceOf(DatabaseUnavailableError);
    expect(Date.now()).toBeGreaterThan(deadline.at);
    await proxy.restore();
    await sleep(1_000);
    const { rows } = await direct.query('select id from public.reliability_probe where id = $1', [id]);
    expect(rows).toEqual([]);
  }, 30_000);
});
