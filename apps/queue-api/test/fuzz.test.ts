/**
 * The fuzz pass: over 10,000 generated bad requests against every route of queue-api that reads
 * a body or a query (fuzz/targets.ts), sent over real HTTP to one api on a real Postgres and
 * Redis. No answer may be a 5xx (or a dropped connection), every refusal is a JSON error naming
 * its problem, and afterwards no table has gained or lost a row, no balance or ledger entry has
 * moved, no job has been queued and no file has been written.
 */
import { randomUUID } from 'node:crypto';
import { grantAdmin } from '@gpuq/db';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SECRETS, startApi } from './api-harness.js';
import { type FuzzContext, type FuzzRequest, fuzzTargets } from './fuzz/targets.js';
import { snapshotState } from './state-snapshot.js';

/** Fixed, so a failure reproduces; `FUZZ_SEED=<n>` explores other inputs. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261205);
const CONCURRENCY = 24;

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ RATE_LIMIT_PER_MIN: '1000000', MAX_JOBS_IN_FLIGHT: '100000' });
});
afterAll(async () => {
  await api?.close();
});

async function created<T>(response: Response): Promise<T> {
  expect(response.status, await response.clone().text()).toBeLessThan(300);
  return (await response.json()) as T;
}

/** A user with a project, a personal access token, a queued job and a queued protocol task; an admin. */
async function fuzzContext(): Promise<FuzzContext> {
  const userId = randomUUID();
  const userJwt = await api.token(userId);
  const { project } = await created<{ project: { id: string } }>(
    await api.request('/v1/projects', { token: userJwt, json: { name: 'fuzz' } }),
  );
  const { token: userPat } = await created<{ token: string }>(
    await api.request('/v1/tokens', { token: userJwt, json: { name: 'fuzz' } }),
  );
  const { job } = await created<{ job: { id: string } }>(
    await api.request('/functions/v1/queue-job', { token: userJwt, json: { jobType: 'image_fast' } }),
  );
  const protocolTask = await api.request('/functions/v1/create-task', {
    token: userJwt,
    json: { task_type: 'single_image', project_id: project.id, params: { prompt: 'a lighthouse' } },
  });
  expect(protocolTask.status).toBe(200);
  const adminId = randomUUID();
  await grantAdmin(api.services.db, { userId: adminId, signupCredits: 100 });
  return {
    secrets: {
      jwt: SECRETS.SUPABASE_JWT_SECRET,
      serviceRoleKey: SECRETS.SUPABASE_SERVICE_ROLE_KEY,
      callback: SECRETS.CALLBACK_SECRET,
    },
    storageSecret: api.services.storageSecret,
    userId,
    userJwt,
    userPat,
    adminJwt: await api.token(adminId),
    projectId: project.id,
    jobId: job.id,
    protocolTaskId: protocolTask.headers.get('x-task-id')!,
  };
}

interface Answer {
  status: number;
  body: string;
  contentType: string;
}

/** No answer within this is a failure too (a hung handler is a denial of service). */
const ANSWER_WITHIN_MS = 15_000;

async function send(request: FuzzRequest): Promise<Answer> {
  const hangUp = new AbortController();
  const timer = setTimeout(
    () => hangUp.abort(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)),
    ANSWER_WITHIN_MS,
  );
  try {
    const response = await fetch(`${api.url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: hangUp.signal,
    });
    const contentType = response.headers.get('content-type') ?? '';
    // An event stream never ends: its status is the answer.
    if (contentType.startsWith('text/event-stream')) {
      hangUp.abort();
      return { status: response.status, body: '', contentType };
    }
    return { status: response.status, body: await response.text(), contentType };
  } finally {
    clearTimeout(timer);
  }
}

/** What is wrong with an answer, or null. */
function problemWith(request: FuzzRequest, answer: Answer): string | null {
  if (answer.status >= 500) return `${answer.status} ${answer.body.slice(0, 200)}`;
  if (answer.status < 400) return null;
  // The sign-in page answers a token that is no admin's with the form again.
  if (request.target === 'POST /admin/login' && answer.status === 403) return null;
  try {
    const body = JSON.parse(answer.body) as {
      error?: { code?: unknown; message?: unknown };
      code?: unknown;
      message?: unknown;
    };
    // Ours: { error: { code, message } }; PostgREST's on /rest/v1/rpc: { code, message }.
    const named = body.error ?? body;
    if (typeof named.code === 'string' && typeof named.message === 'string' && named.message) return null;
  } catch {}
  return `${answer.status} without a JSON error: ${answer.body.slice(0, 200)}`;
}

describe('fuzz pass over every route that reads a body or a query', () => {
  it('answers every bad request with a 4xx naming the problem, and changes nothing', async () => {
    const started = performance.now();
    const ctx = await fuzzContext();
    const targets = fuzzTargets(ctx);
    const generated = targets.flatMap((target, index) =>
      fc.sample(target.requests, { numRuns: target.runs, seed: SEED + index }).filter((r) => r !== null),
    );
    // Interleaved, so routes run side by side as they would in service.
    const requests = fc.sample(fc.shuffledSubarray(generated, { minLength: generated.length }), {
      numRuns: 1,
      seed: SEED,
    })[0]!;
    const before = await snapshotState(api);

    const statuses = new Map<string, Map<number, number>>();
    const problems = new Map<string, string[]>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++]!;
        let problem: string | null;
        try {
          const answer = await send(request);
          const counts = statuses.get(request.target) ?? new Map<number, number>();
          counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
          statuses.set(request.target, counts);
          problem = problemWith(request, answer);
        } catch (error) {
          problem = `no answer: ${(error as Error).message} ${String((error as Error).cause ?? '')}`;
        }
        if (problem) {
          const seen = problems.get(request.target) ?? [];
          seen.push(
            `${problem}\n    ← ${request.method} ${request.path.slice(0, 200)} ${typeof request.body === 'string' ? request.body.slice(0, 300) : ''}`,
          );
          problems.set(request.target, seen);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    const summary = [...statuses].map(
      ([target, counts]) => `${target}: ${JSON.stringify(Object.fromEntries(counts))}`,
    );
    console.warn(
      `fuzz (seed ${SEED}): ${requests.length} requests over ${statuses.size} routes in ${Math.round(performance.now() - started)} ms\n${summary.join('\n')}`,
    );
    const report = [...problems].map(
      ([target, seen]) => `${target}: ${seen.length} bad answers, e.g.\n  ${seen.slice(0, 3).join('\n  ')}`,
    );
    expect(report.join('\n')).toBe('');
    expect(requests.length).toBeGreaterThanOrEqual(10_000);
    expect(await snapshotState(api)).toEqual(before);
  }, 240_000);
});
