/** queue-job through real HTTP, Postgres and Redis: routing, validation, credits, idempotency. */
import { randomUUID } from 'node:crypto';
import { getProfile, listLedger } from '@gpuq/db';
import { JOB_CATALOG, JobType, QueueJobResponse } from '@gpuq/job-types';
import { countingQueries } from '@gpuq/testing';
import { createClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type ApiHarness, startApi } from './api-harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '1000', RATE_LIMIT_PER_MIN: '1000' });
});
afterAll(async () => {
  await api?.close();
});

async function taskCount(userId: string): Promise<number> {
  const { rows } = await api.services.db.query<{ n: number }>(
    'select count(*)::int as n from public.tasks where user_id = $1',
    [userId],
  );
  return rows[0]!.n;
}

describe('POST /functions/v1/queue-job', () => {
  it.each(JobType.options)('%s lands on its queue under the task id, with a task row', async (jobType) => {
    const userId = randomUUID();
    const response = await api.request('/functions/v1/queue-job', {
      token: await api.token(userId),
      json: { jobType, metadata: { prompt: 'a lighthouse at dusk', seed: 7 } },
    });
    expect(response.status).toBe(200);
    const body = QueueJobResponse.parse(await response.json());
    const spec = JOB_CATALOG[jobType];
    expect(body).toMatchObject({
      success: true,
      modelVariant: spec.modelVariant,
      debug: { userId, hasPrompt: true },
    });
    expect(body.job).toMatchObject({
      jobType,
      status: 'queued',
      queue: spec.queue,
      prompt: 'a lighthouse at dusk',
    });
    const job = await api.services.queues.queue(spec.queue).getJob(body.job.id);
    expect(job?.data).toMatchObject({ taskId: body.job.id, taskType: jobType, userId, bucket: spec.bucket });
    expect(job?.data.generation).toMatchObject({
      seed: 7,
      steps: spec.preset.steps,
      frames: spec.preset.frames,
    });
    expect(job?.opts).toMatchObject({ attempts: 3 });
    // Job data holds ids, parameters and the job's own callback credential, never a user's token.
    expect(JSON.stringify(job?.data)).not.toContain('eyJ');
    expect((await getProfile(api.services.db, userId))?.credits).toBe(100 - spec.credits);
  });

  it('costs one Postgres statement per request once the ETA duration is cached, position included', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    const send = () =>
      api.request('/functions/v1/queue-job', {
        token,
        json: { jobType: 'image_fast', metadata: { prompt: 'a fox' } },
      });
    expect((await send()).status).toBe(200);
    const { result: response, statements } = await countingQueries(api.services.db, send);
    expect(response.status).toBe(200);
    const body = QueueJobResponse.parse(await response.json());
    expect(body.job.queuePosition).toBeGreaterThanOrEqual(1);
    expect(body.job.etaSeconds).toBeGreaterThan(0);
    expect(statements).toBe(1);
  });

  it("answers each job's place in its queue's line, and moves it up as jobs ahead leave", async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    const queue = api.services.queues.queue('sdxl_queue');
    const ahead = await queue.getWaitingCount();
    const jobs: Array<{ id: string; queuePosition: number | null }> = [];
    for (let index = 0; index < 3; index += 1) {
      const response = await api.request('/functions/v1/queue-job', {
        token,
        json: { jobType: 'sdxl_image_fast', metadata: { prompt: `a fox ${index}` } },
      });
      expect(response.status).toBe(200);
      jobs.push(QueueJobResponse.parse(await response.json()).job);
    }
    expect(jobs.map((job) => job.queuePosition)).toEqual([ahead + 1, ahead + 2, ahead + 3]);

    const { result: read, statements } = await countingQueries(api.services.db, () =>
      api.request(`/v1/jobs/${jobs[2]!.id}`, { token }),
    );
    expect(await read.json()).toMatchObject({ job: { status: 'queued', queuePosition: ahead + 3 } });
    // The task's row and nothing else: the place comes from the queue, not a count in Postgres.
    expect(statements).toBe(1);

    const cancel = await api.request(`/v1/jobs/${jobs[0]!.id}/cancel`, { method: 'POST', token });
    expect(cancel.status).toBe(200);
    const moved = await api.request(`/v1/jobs/${jobs[2]!.id}`, { token });
    expect(await moved.json()).toMatchObject({ job: { status: 'queued', queuePosition: ahead + 2 } });
  });

  it('works from the real supabase-js client, CORS preflight included', async () => {
    const userId = randomUUID();
    const supabase = createClient(api.url, 'anon-key-of-the-frontend', {
      global: { headers: { Authorization: `Bearer ${await api.token(userId)}` } },
      realtime: { transport: WebSocket as never },
      auth: { persistSession: false, autoRefreshToken: false },
    });
    const { data, error } = await supabase.functions.invoke('queue-job', {
      body: { jobType: 'sdxl_image_fast', metadata: { prompt: 'a cat', numImages: 2 } },
    });
    expect(error).toBeNull();
    expect(data).toMatchObject({ success: true, job: { jobType: 'sdxl_image_fast', status: 'queued' } });
    const preflight = await fetch(`${api.url}/functions/v1/queue-job`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, x-client-info, apikey, content-type',
      },
    });
    expect(preflight.status).toBeLessThan(300);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
  });

  it('answers 400 naming the field and creates nothing', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    for (const [json, field] of [
      [{ jobType: 'image_fast', metadata: { numImages: 2 } }, 'metadata.numImages'],
      [{ jobType: 'sdxl_image_fast', metadata: { width: 1001 } }, 'metadata.width'],
      [{ jobType: 'nope' }, 'jobType'],
    ] as const) {
      const response = await api.request('/functions/v1/queue-job', { token, json });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', field } });
    }
    const malformed = await api.request('/functions/v1/queue-job', {
      token,
      body: '{"jobType":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(await taskCount(userId)).toBe(0);
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    const response = await api.request('/functions/v1/queue-job', {
      token: await api.token(randomUUID()),
      json: { jobType: 'image_fast', metadata: { padding: 'x'.repeat(70_000) } },
    });
    expect(response.status).toBe(413);
  });

  it('never overspends under concurrent requests, and a refused request charges nothing', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    // 100 credits, 8 per video_high: 12 fit.
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        api.request('/functions/v1/queue-job', { token, json: { jobType: 'video_high' } }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(12);
    expect(statuses.filter((status) => status === 402)).toHaveLength(8);
    const refused = answers.find((answer) => answer.status === 402)!;
    expect(await refused.json()).toMatchObject({ error: { code: 'insufficient_credits' } });
    expect((await getProfile(api.services.db, userId))?.credits).toBe(4);
    const ledger = await listLedger(api.services.db, { userId });
    expect(ledger.filter((entry) => entry.kind === 'reservation')).toHaveLength(12);
    expect(await taskCount(userId)).toBe(12);
  });

  it('returns the first answer for a repeated Idempotency-Key and 422 for another body', async () => {
    const userId = randomUUID();
    const token = await api.token(userId);
    const send = (json: unknown) =>
      api.request('/functions/v1/queue-job', { token, json, headers: { 'idempotency-key': 'order-42' } });
    const first = (await (
      await send({ jobType: 'image_high', metadata: { prompt: 'p' } })
    ).json()) as QueueJobResponse;
    const again = await send({ jobType: 'image_high', metadata: { prompt: 'p' } });
    expect(again.status).toBe(200);
    expect(((await again.json()) as QueueJobResponse).job.id).toBe(first.job.id);
    const other = await send({ jobType: 'image_high', metadata: { prompt: 'other' } });
    expect(other.status).toBe(422);
    expect(await taskCount(userId)).toBe(1);
    expect((await getProfile(api.services.db, userId))?.credits).toBe(97);
  });

  it('prices a request without queuing it', async () => {
    const userId = randomUUID();
    const response = await api.request('/functions/v1/calculate-task-cost', {
      token: await api.token(userId),
      json: { jobType: 'sdxl_image_high', metadata: { numImages: 3 } },
    });
    expect(await response.json()).toEqual({ jobType: 'sdxl_image_high', credits: 6 });
    expect(await taskCount(userId)).toBe(0);
  });

  it("queues into the caller's own project only", async () => {
    const alice = await api.token(randomUUID());
    const bob = await api.token(randomUUID());
    const created = await api.request('/v1/projects', { token: alice, json: { name: 'Storyboard' } });
    expect(created.status).toBe(201);
    const { project } = (await created.json()) as { project: { id: string } };
    const intoOwn = await api.request('/functions/v1/queue-job', {
      token: alice,
      json: { jobType: 'image_fast', projectId: project.id },
    });
    expect(((await intoOwn.json()) as QueueJobResponse).job.projectId).toBe(project.id);
    const intoOther = await api.request('/functions/v1/queue-job', {
      token: bob,
      json: { jobType: 'image_fast', projectId: project.id },
    });
    expect(intoOther.status).toBe(403);
    const listed = (await (await api.request('/v1/projects', { token: alice })).json()) as {
      projects: Array<{ id: string }>;
    };
    expect(listed.projects.map((p) => p.id)).toContain(project.id);
  });
});
