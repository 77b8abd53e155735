/** Who may do what: the auth matrix, ownership of jobs, cancellation, events, operator pages. */
import { createHmac, randomUUID } from 'node:crypto';
import { createApiToken, ensureProfile, getProfile, grantAdmin, revokeApiToken } from '@gpuq/db';
import type { QueueJobResponse } from '@gpuq/job-types';
import { createRedis } from '@gpuq/queue';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SECRETS, startApi } from './api-harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ ADMIN_IMAGE_WAIT_S: '1' });
});
afterAll(async () => {
  await api?.close();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function hs256(
  payload: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
) {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

async function queue(token: string, jobType = 'image_fast'): Promise<QueueJobResponse> {
  const response = await api.request('/functions/v1/queue-job', { token, json: { jobType } });
  expect(response.status).toBe(200);
  return (await response.json()) as QueueJobResponse;
}

describe('authentication', () => {
  it('answers 401 to every kind of bad credential', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: randomUUID(),
      role: 'authenticated',
      aud: 'authenticated',
      iat: now,
      exp: now + 600,
    };
    await ensureProfile(api.services.db, { userId: claims.sub, signupCredits: 100 });
    const revoked = await createApiToken(api.services.db, { userId: claims.sub });
    await revokeApiToken(api.services.db, { tokenId: revoked.record.id, userId: claims.sub });
    const cases: Array<[string, string | undefined]> = [
      ['no token', undefined],
      ['garbage', 'not-a-token'],
      ['expired JWT', hs256({ ...claims, exp: now - 60 }, SECRETS.SUPABASE_JWT_SECRET)],
      ['JWT signed with another secret', hs256(claims, 'another-secret-0123456789abcdef')],
      ['alg none', `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`],
      ['wrong audience', hs256({ ...claims, aud: 'someone-else' }, SECRETS.SUPABASE_JWT_SECRET)],
      ['revoked personal access token', revoked.token],
    ];
    for (const [name, token] of cases) {
      const response = await api.request('/functions/v1/queue-job', {
        token,
        json: { jobType: 'image_fast' },
      });
      expect(response.status, name).toBe(401);
      expect(await response.json(), name).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('accepts a live personal access token as its owner', async () => {
    const userId = randomUUID();
    await ensureProfile(api.services.db, { userId, signupCredits: 100 });
    const created = await api.request('/v1/tokens', {
      token: await api.token(userId),
      json: { name: 'cli' },
    });
    expect(created.status).toBe(201);
    const { token, id } = (await created.json()) as { token: string; id: string };
    const answer = await queue(token);
    expect(answer.debug.userId).toBe(userId);
    expect(
      (await api.request(`/v1/tokens/${id}`, { method: 'DELETE', token: await api.token(userId) })).status,
    ).toBe(204);
    expect((await api.request('/v1/jobs', { token })).status).toBe(401);
  });
});

describe('ownership', () => {
  it("keeps user B out of user A's jobs: read, list, cancel, watch", async () => {
    const alice = await api.token(randomUUID());
    const bob = await api.token(randomUUID());
    const { job } = await queue(alice);
    expect((await api.request(`/v1/jobs/${job.id}`, { token: alice })).status).toBe(200);
    expect((await api.request(`/v1/jobs/${job.id}`, { token: bob })).status).toBe(404);
    const bobsList = (await (await api.request('/v1/jobs', { token: bob })).json()) as { jobs: unknown[] };
    expect(bobsList.jobs).toHaveLength(0);
    expect((await api.request(`/v1/jobs/${job.id}/cancel`, { method: 'POST', token: bob })).status).toBe(404);
    const service = (await api.request(`/v1/jobs/${job.id}`, { token: SECRETS.SUPABASE_SERVICE_ROLE_KEY }))
      .status;
    expect(service).toBe(200);
  });

  it('streams a job event to its owner and not to another user', async () => {
    const aliceId = randomUUID();
    const alice = await api.token(aliceId);
    const bob = await api.token(randomUUID());
    const watch = async (token: string) => {
      const controller = new AbortController();
      const response = await fetch(`${api.url}/v1/events?access_token=${token}`, {
        signal: controller.signal,
      });
      expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = response.body!.getReader();
      let text = '';
      const reading = (async () => {
        try {
          while (true) {
            const { value, done } = await reader.read();
            if (done) break;
            text += new TextDecoder().decode(value);
          }
        } catch {}
      })();
      return {
        text: () => text,
        stop: async () => {
          controller.abort();
          await reading;
        },
      };
    };
    const aliceStream = await watch(alice);
    const bobStream = await watch(bob);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { job } = await queue(alice, 'video_fast');
    await expect.poll(() => aliceStream.text(), { timeout: 10_000 }).toContain(job.id);
    expect(aliceStream.text()).toMatch(/event: job/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(bobStream.text()).not.toContain(job.id);
    await aliceStream.stop();
    await bobStream.stop();
  });

  it('cancels a waiting job: it leaves the queue and the credits come back', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    const { job } = await queue(token, 'video_high');
    expect((await getProfile(api.services.db, userId))?.credits).toBe(92);
    const response = await api.request(`/v1/jobs/${job.id}/cancel`, { method: 'POST', token });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ job: { status: 'cancelled' } });
    expect(await api.services.queues.queue('wan_queue').getJob(job.id)).toBeUndefined();
    expect((await getProfile(api.services.db, userId))?.credits).toBe(100);
    // Cancelling again is a repeat of the current state: 200, and no second refund.
    expect((await api.request(`/v1/jobs/${job.id}/cancel`, { method: 'POST', token })).status).toBe(200);
    expect((await getProfile(api.services.db, userId))?.credits).toBe(100);
  });
});

describe('admins', () => {
  it('answers 403 to a non-admin on Bull Board and the admin image, before reading the body', async () => {
    const user = await api.token(randomUUID());
    expect((await api.request('/admin/queues/api/queues', { token: user })).status).toBe(403);
    const image = await api.request('/functions/v1/generate-admin-image', {
      token: user,
      body: 'not even json',
    });
    expect(image.status).toBe(403);
  });

  it('lets an admin see the queues and queue a free, first-in-line image', async () => {
    const userId = randomUUID();
    const before = await api.request('/functions/v1/queue-job', {
      token: await api.token(userId),
      json: { jobType: 'sdxl_image_fast', metadata: { prompt: 'queued first' } },
    });
    expect(before.status).toBe(200);
    const adminId = randomUUID();
    await ensureProfile(api.services.db, { userId: adminId, signupCredits: 0 });
    await grantAdmin(api.services.db, { userId: adminId });
    const admin = await api.token(adminId);
    expect((await api.request('/admin/queues/api/queues', { token: admin })).status).toBe(200);
    const response = await api.request('/functions/v1/generate-admin-image', {
      token: admin,
      json: { prompt: 'a red fox' },
    });
    // No worker runs in this test: after ADMIN_IMAGE_WAIT_S the job is answered as still queued.
    expect(response.status).toBe(202);
    const { job } = (await response.json()) as { job: { id: string; status: string } };
    expect(job.status).toBe('queued');
    expect((await getProfile(api.services.db, adminId))?.credits).toBe(0);
    // A worker that starts now takes the admin's image before the user's job queued earlier.
    const queue = api.services.queues.queue('sdxl_queue');
    const taken: string[] = [];
    const { REDIS_URL, QUEUE_PREFIX } = api.workerEnv('first-in-line');
    const connection = createRedis({ url: REDIS_URL!, role: 'worker', name: 'first-in-line' });
    const worker = new Worker(queue.name, async (next) => void taken.push(next.id!), {
      connection,
      prefix: QUEUE_PREFIX,
      concurrency: 1,
    });
    try {
      await expect.poll(() => taken.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    } finally {
      await worker.close();
      connection.disconnect();
    }
    expect(taken[0]).toBe(job.id);
  });
});
