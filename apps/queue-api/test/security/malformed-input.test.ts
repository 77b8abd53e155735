/**
 * Requests a user can send that once crashed a handler (500): each is now a 4xx whose JSON body
 * names the problem, and changes nothing (rows, credits, stored files).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { issueCallbackCredential, signedHeaders } from '@gpuq/callback-client/signing';
import { grantAdmin } from '@gpuq/db';
import type { QueueJobResponse } from '@gpuq/job-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SECRETS, startApi } from '../api-harness.js';
import { snapshotState } from '../state-snapshot.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

/** Sends the request and checks that it changed nothing; returns the answer. */
async function unchangedBy(send: () => Promise<Response>): Promise<{ status: number; body: unknown }> {
  const before = await snapshotState(api);
  const response = await send();
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  expect(await snapshotState(api)).toEqual(before);
  return { status: response.status, body };
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function hs256(payload: Record<string, unknown>): string {
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', SECRETS.SUPABASE_JWT_SECRET).update(unsigned).digest('base64url')}`;
}

/** `{"a":{"a":…"leaf"…}}`, written as text: JSON.stringify itself overflows the stack on it. */
function nested(depth: number): string {
  return `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;
}

describe('input that once answered 500', () => {
  it('answers a job-list cursor that names no job with 400 naming cursor', async () => {
    const token = await api.token(randomUUID());
    for (let i = 0; i < 2; i += 1) {
      const queued = await api.request('/functions/v1/queue-job', { token, json: { jobType: 'image_fast' } });
      expect(queued.status).toBe(200);
    }
    const { status, body } = await unchangedBy(() => api.request('/v1/jobs?cursor=abc', { token }));
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'invalid_request', field: 'cursor' } });
    // The cursors the API hands out still page.
    const first = (await (await api.request('/v1/jobs?limit=1', { token })).json()) as { nextCursor: string };
    const second = await api.request(`/v1/jobs?limit=1&cursor=${first.nextCursor}`, { token });
    expect(second.status).toBe(200);
    expect(((await second.json()) as { jobs: unknown[] }).jobs).toHaveLength(1);
  });

  it('answers a JWT whose sub is not a user id with 401 naming sub', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = hs256({
      sub: 'not-a-uuid',
      role: 'authenticated',
      aud: 'authenticated',
      iat: now,
      exp: now + 600,
    });
    for (const path of ['/v1/jobs', '/v1/projects']) {
      const { status, body } = await unchangedBy(() => api.request(path, { token }));
      expect(status, path).toBe(401);
      expect((body as ErrorBody).error.code).toBe('unauthorized');
      expect((body as ErrorBody).error.message).toMatch(/sub/);
    }
    const { status } = await unchangedBy(() =>
      api.request('/functions/v1/queue-job', { token, json: { jobType: 'image_fast' } }),
    );
    expect(status).toBe(401);
  });

  it('answers create-task params nested 5,000 deep with 400 naming the depth', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    const created = await api.request('/v1/projects', { token, json: { name: 'deep' } });
    expect(created.status).toBe(201);
    const { project } = (await created.json()) as { project: { id: string } };
    const { status, body } = await unchangedBy(() =>
      api.request('/functions/v1/create-task', {
        token,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"task_type":"single_image","project_id":"${project.id}","params":{"prompt":"a lighthouse","style":${nested(5000)}}}`,
      }),
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'invalid_request' } });
    expect((body as ErrorBody).error.message).toMatch(/nested/);
  });

  it('answers a truncated multipart sign-in with 400 naming the form', async () => {
    const boundary = '----gpuq-truncated';
    const { status, body } = await unchangedBy(() =>
      api.request('/admin/login', {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: `--${boundary}\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc`,
      }),
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'invalid_request' } });
    expect((body as ErrorBody).error.message).toMatch(/form/);
  });

  it('answers a job callback whose attempt is beyond a 32-bit integer with 400 naming attempt', async () => {
    const token = await api.token(randomUUID());
    const queued = await api.request('/functions/v1/queue-job', { token, json: { jobType: 'image_fast' } });
    expect(queued.status).toBe(200);
    const { job } = (await queued.json()) as QueueJobResponse;
    const raw = JSON.stringify({ jobId: job.id, status: 'processing', attempt: 2147483648 });
    const headers = signedHeaders(issueCallbackCredential(SECRETS.CALLBACK_SECRET, job.id), raw);
    const { status, body } = await unchangedBy(() =>
      api.request('/functions/v1/job-callback', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: raw,
      }),
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'invalid_request', field: 'attempt' } });
    const { rows } = await api.services.db.query<{ status: string; bullmq_attempt: number }>(
      'select status, bullmq_attempt from public.tasks where id = $1',
      [job.id],
    );
    expect(rows[0]).toEqual({ status: 'Queued', bullmq_attempt: 0 });
  });

  it('answers a worker heartbeat with vram beyond a 32-bit integer with 400 naming the parameter', async () => {
    const workerId = `fuzz-${randomUUID()}`;
    const { status, body } = await unchangedBy(() =>
      api.request('/rest/v1/rpc/func_worker_heartbeat_with_logs', {
        method: 'POST',
        headers: { apikey: SECRETS.SUPABASE_SERVICE_ROLE_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ worker_id_param: workerId, vram_total_mb_param: 3e9, vram_used_mb_param: 0 }),
      }),
    );
    expect(status).toBe(400);
    // PostgREST's error shape on /rest/v1/rpc.
    expect((body as { message: string }).message).toMatch(/vram_total_mb_param/);
  });

  it('answers a deeply nested body to the operator API with 400, and adds no job', async () => {
    const adminId = randomUUID();
    await grantAdmin(api.services.db, { userId: adminId, signupCredits: 0 });
    const token = await api.token(adminId);
    const queue = api.services.queues.queue('sdxl_queue');
    const jobsBefore = await queue.getJobCounts();
    const { status, body } = await unchangedBy(() =>
      api.request('/admin/queues/api/queues/sdxl_queue/add', {
        method: 'POST',
        token,
        headers: { 'content-type': 'application/json' },
        body: `{"name":"x","data":${nested(5000)}}`,
      }),
    );
    expect(status).toBe(400);
    expect((body as ErrorBody).error.message).toMatch(/nested deeper/);
    expect(await queue.getJobCounts()).toEqual(jobsBefore);
    // A flat body still reaches the board (the depth check read it once; the board reads it again).
    const paused = await api.request('/admin/queues/api/queues/sdxl_queue/pause', {
      method: 'PUT',
      token,
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(paused.status).toBeLessThan(300);
    expect(await queue.isPaused()).toBe(true);
    await queue.resume();
  });

  it('answers an upload URL for a file name outside the storage path rules with 400 naming filename', async () => {
    const token = await api.token(randomUUID());
    const created = await api.request('/v1/projects', { token, json: { name: 'uploads' } });
    const { project } = (await created.json()) as { project: { id: string } };
    const task = await api.request('/functions/v1/create-task', {
      token,
      json: { task_type: 'single_image', project_id: project.id, params: { prompt: 'a lighthouse' } },
    });
    expect(task.status).toBe(200);
    const taskId = task.headers.get('x-task-id');
    for (const filename of ['*W[^3"<', '...']) {
      const { status, body } = await unchangedBy(() =>
        api.request('/functions/v1/generate-upload-url', {
          token,
          json: { task_id: taskId, filename, content_type: 'image/png' },
        }),
      );
      expect(status, filename).toBe(400);
      expect(body).toMatchObject({ error: { code: 'invalid_request', field: 'filename' } });
    }
  });

  it('answers a NUL character in any JSON string with 400 naming it', async () => {
    const token = await api.token(randomUUID());
    const cases: Array<[string, unknown]> = [
      ['/functions/v1/get-completed-segments', { run_id: '\u0000' }],
      ['/v1/projects', { name: 'a\u0000b' }],
      ['/functions/v1/queue-job', { jobType: 'image_fast', metadata: { prompt: 'a\u0000b' } }],
    ];
    for (const [path, json] of cases) {
      const { status, body } = await unchangedBy(() => api.request(path, { token, json }));
      expect(status, path).toBe(400);
      expect((body as ErrorBody).error.message, path).toMatch(/NUL/);
    }
  });

  it('answers a callback whose progress is below what a real can hold as any other report (404 for no such job)', async () => {
    const jobId = randomUUID();
    const raw = JSON.stringify({ jobId, status: 'processing', attempt: 1, progress: 6e-323 });
    const headers = signedHeaders(issueCallbackCredential(SECRETS.CALLBACK_SECRET, jobId), raw);
    const { status, body } = await unchangedBy(() =>
      api.request('/functions/v1/job-callback', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: raw,
      }),
    );
    expect(status).toBe(404);
    expect(body).toMatchObject({ error: { code: 'not_found' } });
  });
});
