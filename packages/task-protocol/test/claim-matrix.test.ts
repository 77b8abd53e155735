/**
 * The seed's claim matrix over real HTTP and Postgres: nothing to claim, own task, another user's
 * task, the service key's oldest-first, and concurrent claimers never sharing a task.
 */
import { randomUUID } from 'node:crypto';
import { createTask } from '@gpuq/db';
import { ClaimedTask, TaskCountsResponse } from '@gpuq/job-types';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, json, SERVICE_KEY, startHarness, type TestUser } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ label: 'claim' });
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  await h.db.query('delete from public.tasks');
});

async function create(user: TestUser, prompt: string, extra: Record<string, unknown> = {}): Promise<string> {
  const taskId = randomUUID();
  const res = await h.post('/functions/v1/create-task', user.pat, {
    task_id: taskId,
    params: { prompt },
    task_type: 'single_image',
    project_id: user.projectId,
    dependant_on: null,
    ...extra,
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ task_id: taskId, status: 'Task queued' });
  return taskId;
}

const claim = (token: string, body: unknown = {}) => h.post('/functions/v1/claim-next-task', token, body);

describe('claim-next-task', () => {
  it('answers 204 when there is nothing to claim', async () => {
    const res = await claim(SERVICE_KEY);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it("claims the user's own queued task (200) and records the claim and the worker", async () => {
    const taskId = await create(h.alice, 'a red fox');
    const res = await claim(h.alice.pat, { worker_id: 'gpu-alice-1', run_type: 'gpu' });
    expect(res.status).toBe(200);
    const claimed = ClaimedTask.parse(await json(res));
    expect(claimed).toEqual({
      task_id: taskId,
      params: { prompt: 'a red fox' },
      task_type: 'single_image',
      project_id: h.alice.projectId,
    });
    const task = await h.task(taskId);
    expect(task).toMatchObject({ status: 'In Progress', claimedBy: 'http', workerId: 'gpu-alice-1' });
    const { rows } = await h.db.query('select id from public.workers where id = $1', ['gpu-alice-1']);
    expect(rows).toHaveLength(1);
  });

  it("never hands a user another user's task (204)", async () => {
    await create(h.alice, 'alice only');
    expect((await claim(h.bob.jwt, { worker_id: 'gpu-bob' })).status).toBe(204);
  });

  it('gives the service key the oldest task of a mixed queue', async () => {
    const first = await create(h.bob, 'bob first');
    await create(h.alice, 'alice second');
    await create(h.bob, 'bob third');
    const claimed = ClaimedTask.parse(await json(await claim(SERVICE_KEY, { worker_id: 'svc-1' })));
    expect(claimed.task_id).toBe(first);
  });

  it('never hands out a task whose dependency is not Complete, nor a queue-job task', async () => {
    const parent = await create(h.alice, 'parent');
    const child = await create(h.alice, 'child', { dependant_on: [parent] });
    await createTask(h.db, {
      userId: h.alice.userId,
      projectId: h.alice.projectId,
      taskType: 'sdxl_image_fast',
      params: { prompt: 'bullmq only' },
    });
    const counts = TaskCountsResponse.parse(
      await json(
        await h.post('/functions/v1/task-counts', h.alice.pat, { run_type: 'gpu', include_active: true }),
      ),
    );
    expect(counts.totals).toMatchObject({ queued: 2, queued_only: 1, blocked_by_deps: 1, in_progress: 0 });
    expect(ClaimedTask.parse(await json(await claim(h.alice.pat))).task_id).toBe(parent);
    expect((await claim(h.alice.pat)).status).toBe(204);
    await h.post('/functions/v1/update-task-status', h.alice.pat, {
      task_id: parent,
      status: 'Complete',
      output_location: 'https://cdn.example.com/parent.png',
    });
    expect(ClaimedTask.parse(await json(await claim(h.alice.pat))).task_id).toBe(child);
    expect((await claim(SERVICE_KEY)).status).toBe(204);
  });

  it('gives two concurrent workers two different tasks', async () => {
    await create(h.alice, 'one');
    await create(h.alice, 'two');
    const [a, b] = await Promise.all([
      claim(h.alice.pat, { worker_id: 'w-a' }),
      claim(SERVICE_KEY, { worker_id: 'w-b' }),
    ]);
    const ids = [ClaimedTask.parse(await json(a)).task_id, ClaimedTask.parse(await json(b)).task_id];
    expect(new Set(ids).size).toBe(2);
  });

  it('hands each of 10 tasks to exactly one of 20 concurrent claimers', async () => {
    const created = new Set<string>();
    for (let i = 0; i < 10; i += 1) created.add(await create(i % 2 ? h.alice : h.bob, `task ${i}`));
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => claim(SERVICE_KEY, { worker_id: `w-${i}`, run_type: 'gpu' })),
    );
    const ms = performance.now() - started;
    const claimed: string[] = [];
    for (const res of answers) {
      if (res.status === 200) claimed.push(ClaimedTask.parse(await json(res)).task_id);
      else expect(res.status).toBe(204);
    }
    expect(claimed).toHaveLength(10);
    expect(new Set(claimed)).toEqual(created);
    expect(ms).toBeLessThan(5_000);
    process.stdout.write(`20 concurrent claims over 10 tasks: ${ms.toFixed(0)} ms\n`);
  });
});
