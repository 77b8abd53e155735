/**
 * Every route that reads or writes the database, while Postgres is unreachable, answers 503 with
 * Retry-After and logs a warning without a stack: never a 500, never an error line. Two ways in:
 * a refused cut (every connection dropped, new ones refused) and connections that die while their
 * statements are in flight (pg's "Connection terminated unexpectedly").
 */
import { randomUUID } from 'node:crypto';
import { deriveCallbackToken, signedHeaders } from '@gpuq/callback-client/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS } from '../api-harness.js';
import { type ProxiedApi, readiness, sleep, startProxiedApi } from './support.js';

let env: ProxiedApi;
beforeAll(async () => {
  env = await startProxiedApi({
    REQUEST_DEADLINE_MS: '4000',
    DB_STATEMENT_TIMEOUT_MS: '2000',
    DB_CONNECT_TIMEOUT_MS: '1000',
    READINESS_TIMEOUT_MS: '1000',
    DB_LISTENER_HEARTBEAT_MS: '500',
    RATE_LIMIT_PER_MIN: '1000',
  });
}, 60_000);
afterAll(async () => {
  await env?.close();
});

interface Fixture {
  user: string;
  pat: string;
  jobId: string;
  projectId: string;
  callbackSecret: string;
}

async function fixture(): Promise<Fixture> {
  const user = await env.api.token(randomUUID());
  const queued = await env.api.request('/functions/v1/queue-job', {
    token: user,
    json: { jobType: 'image_fast' },
  });
  const { job } = (await queued.json()) as { job: { id: string; projectId: string } };
  const minted = await env.api.request('/v1/tokens', { token: user, json: { name: 'drill' } });
  const { token: pat } = (await minted.json()) as { token: string };
  return { user, pat, jobId: job.id, projectId: job.projectId, callbackSecret: SECRETS.CALLBACK_SECRET };
}

/** One request to each database-backed route family. */
function requests(f: Fixture): Array<[string, () => Promise<Response>]> {
  const { api } = env;
  const service = SECRETS.SUPABASE_SERVICE_ROLE_KEY;
  const callbackBody = JSON.stringify({ jobId: f.jobId, status: 'processing', attempt: 1 });
  const expiresAt = Math.floor(Date.now() / 1000) + 3600;
  const credential = { token: deriveCallbackToken(f.callbackSecret, f.jobId, expiresAt), expiresAt };
  return [
    [
      'queue-job',
      () => api.request('/functions/v1/queue-job', { token: f.user, json: { jobType: 'image_fast' } }),
    ],
    ['list jobs', () => api.request('/v1/jobs', { token: f.user })],
    ['get job', () => api.request(`/v1/jobs/${f.jobId}`, { token: f.user })],
    ['cancel job', () => api.request(`/v1/jobs/${f.jobId}/cancel`, { method: 'POST', token: f.user })],
    ['list projects', () => api.request('/v1/projects', { token: f.user })],
    ['create project', () => api.request('/v1/projects', { token: f.user, json: { name: 'x' } })],
    ['mint token', () => api.request('/v1/tokens', { token: f.user, json: { name: 'y' } })],
    ['personal access token', () => api.request('/v1/jobs', { token: f.pat })],
    [
      'create-task',
      () =>
        api.request('/functions/v1/create-task', {
          token: service,
          json: {
            task_id: randomUUID(),
            params: { prompt: 'a lantern' },
            task_type: 'single_image',
            project_id: f.projectId,
            dependant_on: [],
          },
        }),
    ],
    [
      'claim-next-task',
      () =>
        api.request('/functions/v1/claim-next-task', {
          token: service,
          json: { worker_id: 'w', run_type: 'gpu' },
        }),
    ],
    [
      'job callback',
      () =>
        api.request('/functions/v1/job-callback', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...signedHeaders(credential, callbackBody) },
          body: callbackBody,
        }),
    ],
  ];
}

async function expectAll503(f: Fixture, label: string): Promise<void> {
  const answers = await Promise.all(
    requests(f).map(async ([name, send]) => {
      const response = await send();
      return { name, status: response.status, retryAfter: response.headers.get('retry-after') };
    }),
  );
  expect(answers, label).toEqual(
    answers.map(({ name }) => ({ name, status: 503, retryAfter: expect.stringMatching(/^\d+$/) })),
  );
}

function expectNoErrorLines(): void {
  const errors = env.logs.filter((line) => line.level === 'error' || line.level === 'fatal');
  expect(errors).toEqual([]);
  const unavailable = env.logs.filter(
    (line) => line.msg === 'answered 503: a backing service is unavailable',
  );
  expect(unavailable.length).toBeGreaterThan(0);
  for (const line of unavailable) expect(JSON.stringify(line)).not.toContain('"stack"');
}

describe('connection-class database errors', () => {
  it('are 503 with Retry-After during a refused cut, logged as warnings', async () => {
    const f = await fixture();
    await env.proxy.cut();
    try {
      await expectAll503(f, 'refused');
    } finally {
      await env.proxy.restore();
    }
    expectNoErrorLines();
    await expect.poll(async () => (await readiness(env.api)).status, { timeout: 15_000 }).toBe(200);
  }, 60_000);

  it('are 503 when connections die under statements in flight', async () => {
    const f = await fixture();
    env.logs.length = 0;
    await env.proxy.blackhole();
    const inFlight = expectAll503(f, 'terminated mid-statement');
    await sleep(300);
    // The server side goes away while every statement waits for its answer.
    await env.proxy.cut();
    try {
      await inFlight;
    } finally {
      await env.proxy.restore();
    }
    expectNoErrorLines();
    expect(env.logs.some((line) => String(line.err).includes('Connection terminated'))).toBe(true);
  }, 60_000);
});
