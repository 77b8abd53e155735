/**
 * The per-user limits of queue-job hold for every route that creates work: create-task counts
 * against the same rate limit (RATE_LIMIT_PER_MIN) and the same in-flight cap
 * (MAX_JOBS_IN_FLIGHT, counted in Postgres over the owner's tasks) as queue-job. The service role
 * is not a user: a pull-worker fleet creating its child tasks is not throttled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { createTask, credits, newUser, SERVICE_TOKEN, type TestUser, taskRows } from './protocol-helpers.js';

let api: ApiHarness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const image = (user: TestUser) => ({
  task_type: 'single_image',
  project_id: user.projectId,
  params: { prompt: 'a fox' },
});

async function statuses(count: number, send: () => Promise<Response>): Promise<number[]> {
  const answers: number[] = [];
  for (let i = 0; i < count; i += 1) answers.push((await send()).status);
  return answers;
}

describe('create-task limits', () => {
  it('shares the rate limit and the in-flight cap with queue-job', async () => {
    api = await startApi({ RATE_LIMIT_PER_MIN: '3', MAX_JOBS_IN_FLIGHT: '3' });
    const harness = api;
    const user = await newUser(harness);
    const queueJob = () =>
      harness.request('/functions/v1/queue-job', { token: user.token, json: { jobType: 'sdxl_image_fast' } });
    expect(await statuses(5, queueJob)).toEqual([200, 200, 200, 429, 429]);
    const protocol = () => createTask(harness, user.token, image(user));
    const answers = await statuses(8, protocol);
    expect(answers).toEqual(Array(8).fill(429));
    expect(await taskRows(harness, user.userId)).toBe(3);
    expect(await credits(harness, user.userId)).toBe(100 - 3);
  });

  it('caps the tasks in flight per user, counted in Postgres, with Retry-After', async () => {
    api = await startApi({ RATE_LIMIT_PER_MIN: '100', MAX_JOBS_IN_FLIGHT: '3' });
    const harness = api;
    const user = await newUser(harness);
    const answers: Response[] = [];
    for (let i = 0; i < 5; i += 1) answers.push(await createTask(harness, user.token, image(user)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429, 429]);
    expect(Number(answers[3]!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await answers[3]!.json()).toMatchObject({ error: { code: 'rate_limited' } });
    // queue-job sees the same count.
    const queued = await harness.request('/functions/v1/queue-job', {
      token: user.token,
      json: { jobType: 'sdxl_image_fast' },
    });
    expect(queued.status).toBe(429);
    expect(await taskRows(harness, user.userId)).toBe(3);
    expect(await credits(harness, user.userId)).toBe(100 - 3);
  });

  it('never lets concurrent requests of one user overshoot the cap', async () => {
    api = await startApi({ RATE_LIMIT_PER_MIN: '100', MAX_JOBS_IN_FLIGHT: '3' });
    const harness = api;
    const user = await newUser(harness);
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0
          ? createTask(harness, user.token, image(user))
          : harness.request('/functions/v1/queue-job', {
              token: user.token,
              json: { jobType: 'sdxl_image_fast' },
            }),
      ),
    );
    const codes = answers.map((answer) => answer.status);
    expect(codes.filter((code) => code === 200)).toHaveLength(3);
    expect(codes.filter((code) => code === 429)).toHaveLength(7);
    expect(await taskRows(harness, user.userId)).toBe(3);
  });

  it('lets the service role create child tasks for a user at the cap, charging the owner', async () => {
    api = await startApi({ RATE_LIMIT_PER_MIN: '2', MAX_JOBS_IN_FLIGHT: '2' });
    const harness = api;
    const user = await newUser(harness);
    expect(await statuses(3, () => createTask(harness, user.token, image(user)))).toEqual([200, 200, 429]);
    expect(await statuses(3, () => createTask(harness, SERVICE_TOKEN, image(user)))).toEqual([200, 200, 200]);
    expect(await credits(harness, user.userId)).toBe(100 - 5);
  });
});
