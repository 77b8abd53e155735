/**
 * `/rest/v1/<table>` as queue-api mounts it: a user's task is read back by its owner the way
 * supabase-js and supabase-py read it, never by another user; a jobs-scoped token is refused. The
 * Headless worker's writes (fatal-error handler, duplicate clean-up) go through the same app.
 */
import { createApiToken, ensureProfile } from '@gpuq/db';
import { fleetQueueOf, type QueueJobResponse } from '@gpuq/job-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SECRETS, startApi } from '../api-harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

describe('/rest/v1/tasks on queue-api', () => {
  it("serves the owner's task, hides it from another user, and refuses a jobs token", async () => {
    const [alice, bob] = [crypto.randomUUID(), crypto.randomUUID()];
    for (const userId of [alice, bob]) await ensureProfile(api.services.db, { userId, signupCredits: 100 });
    const aliceJwt = await api.token(alice);
    const queued = await api.request('/functions/v1/queue-job', {
      token: aliceJwt,
      json: { jobType: 'image_fast' },
    });
    expect(queued.status, await queued.clone().text()).toBe(200);
    const jobId = ((await queued.json()) as QueueJobResponse).job.id;

    const read = (token: string, accept = 'application/json') =>
      api.request(`/rest/v1/tasks?select=id,status,user_id&id=eq.${jobId}`, {
        headers: { authorization: `Bearer ${token}`, apikey: token, accept },
      });
    const own = await read(aliceJwt, 'application/vnd.pgrst.object+json');
    expect(own.status, await own.clone().text()).toBe(200);
    expect(await own.json()).toEqual({ id: jobId, status: 'Queued', user_id: alice });

    const other = await read(await api.token(bob));
    expect(other.status).toBe(200);
    expect(await other.json()).toEqual([]);

    const { token: jobsPat } = await createApiToken(api.services.db, {
      userId: alice,
      name: 'app',
      scope: 'jobs',
    });
    const refused = await read(jobsPat);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: '42501' });
  });
});

describe("the Headless worker's writes on queue-api", () => {
  const service = SECRETS.SUPABASE_SERVICE_ROLE_KEY;
  /** postgrest-py's update / delete: both key headers, the profile, return=representation. */
  const write = (method: 'PATCH' | 'DELETE', query: string, token: string, body?: unknown) =>
    api.request(`/rest/v1/${query}`, {
      method,
      headers: {
        apikey: token,
        authorization: `Bearer ${token}`,
        'content-profile': 'public',
        prefer: 'return=representation',
      },
      ...(body === undefined ? {} : { json: body }),
    });

  it("cancelling a fleet job's task stops its BullMQ job and refunds it; a user may not fail it", async () => {
    const alice = crypto.randomUUID();
    await ensureProfile(api.services.db, { userId: alice, signupCredits: 100 });
    const aliceJwt = await api.token(alice);
    const queued = await api.request('/functions/v1/queue-job', {
      token: aliceJwt,
      json: { jobType: 'image_fast' },
    });
    const { job } = (await queued.json()) as QueueJobResponse;
    const queue = api.services.queues.queue(fleetQueueOf(job.jobType)!);
    expect(await queue.getJob(job.id)).toBeTruthy();

    // The owner may cancel (Reigh's cancel) but not give a status of the worker's.
    const refused = await write('PATCH', `tasks?id=eq.${job.id}`, aliceJwt, { status: 'Failed' });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: '42501' });
    expect(await queue.getJob(job.id)).toBeTruthy();

    const cancelled = await write('PATCH', `tasks?select=id,status&id=eq.${job.id}`, service, {
      status: 'Cancelled',
      error_details: 'duplicate',
    });
    expect(cancelled.status, await cancelled.clone().text()).toBe(200);
    expect(await cancelled.json()).toEqual([{ id: job.id, status: 'Cancelled' }]);
    // A waiting job leaves the queue, as after /v1/jobs/:id/cancel.
    expect(await queue.getJob(job.id)).toBeUndefined();
    const { rows } = await api.services.db.query<{ credits: number }>(
      'select credits from public.profiles where id = $1',
      [alice],
    );
    expect(rows[0]!.credits).toBe(100);

    // The clean-up deletes the cancelled task; the answer lists it (`len(response.data) > 0`).
    const deleted = await write('DELETE', `tasks?id=eq.${job.id}`, service);
    expect(deleted.status).toBe(200);
    expect(((await deleted.json()) as { id: string }[]).map((row) => row.id)).toEqual([job.id]);
  });
});

describe('/rest/v1 from a browser (supabase-js in Reigh)', () => {
  it('lets the page send Prefer / Range / Accept-Profile and read Content-Range (the count)', async () => {
    const preflight = await api.request('/rest/v1/tasks?select=id', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization,apikey,x-client-info,prefer,range,accept-profile',
      },
    });
    const allowed = preflight.headers.get('access-control-allow-headers') ?? '';
    for (const header of ['prefer', 'range', 'accept-profile']) expect(allowed).toContain(header);
    const userId = crypto.randomUUID();
    await ensureProfile(api.services.db, { userId, signupCredits: 100 });
    const token = await api.token(userId);
    const read = await api.request('/rest/v1/tasks?select=id', {
      headers: { origin: 'https://app.example', authorization: `Bearer ${token}`, prefer: 'count=exact' },
    });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-expose-headers')).toContain('content-range');
    expect(read.headers.get('content-range')).toBe('*/0');
  });

  it("lets the page send Reigh's cancel: PATCH with Content-Profile", async () => {
    const preflight = await api.request('/rest/v1/tasks?id=eq.1', {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,apikey,x-client-info,content-type,content-profile',
      },
    });
    expect(preflight.headers.get('access-control-allow-methods')).toContain('PATCH');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('content-profile');
  });
});
