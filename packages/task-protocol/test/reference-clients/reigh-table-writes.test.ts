/**
 * Reigh's table writes, replayed as supabase-js (postgrest-js) sends them from the browser with the
 * signed-in user's JWT, and judged as Reigh's code judges them. Its cancel
 * (src/shared/hooks/useTasks.ts):
 * - cancelTask (580-640): `.from('tasks').select('*').eq('id', taskId).single()`, then
 *   `.update({ status: 'Cancelled', updated_at }).eq('id', taskId)` (no `.select()`: no Prefer
 *   header, so the answer is 204 and `error` is null); for an orchestrator, its Queued children
 *   found by `.select('id, params').eq('project_id', …).in('status', ['Queued'])`, then
 *   `.update(…).in('id', subtaskIds)`;
 * - useUpdateTaskStatus (218-232): `.update({ status, updated_at }).eq('id', taskId).select().single()`.
 * Row-level security picks the rows (another user's task is simply not there); each cancel is
 * cancel_task's, so the reservation comes back. Its insert of new tasks
 * (src/shared/lib/tasks/imageInpaint.ts 76-103): `.from('tasks').insert(rows).select('id')`, one
 * `{ project_id, task_type: 'image_inpaint', status: 'Queued', params }` per generation;
 * postgrest-js sends the array with `?columns=` naming its keys and `Prefer: return=representation`;
 * Reigh throws unless `data` lists the tasks.
 */
import { createTask } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, startHarness } from '../harness.js';

let h: Harness;
const OBJECT = 'application/vnd.pgrst.object+json';

/** postgrest-js from the page: the project's anon key as apikey, the user's JWT as bearer. */
function supabaseJs(
  method: 'GET' | 'PATCH' | 'POST',
  query: string,
  jwt: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(`${h.base}/rest/v1/${query}`, {
    method,
    headers: {
      apikey: 'anon-key-of-the-project',
      authorization: `Bearer ${jwt}`,
      'x-client-info': 'supabase-js-web/2.50.0',
      ...(method === 'GET' ? { 'accept-profile': 'public' } : { 'content-profile': 'public' }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

async function task(
  user: typeof h.alice,
  taskType: string,
  params: Record<string, unknown> = {},
  cost = 3,
): Promise<string> {
  const { task: created } = await createTask(h.db, {
    userId: user.userId,
    projectId: user.projectId,
    taskType,
    params: { prompt: 'a harbour', ...params },
    cost,
    ...(taskType === 'single_image' ? {} : { runType: 'gpu' as const }),
  });
  return created.id;
}

beforeAll(async () => {
  h = await startHarness({ label: 'reigh_cancel' });
});
afterAll(async () => {
  await h?.close();
});

describe("Reigh's cancel (useTasks.ts)", () => {
  it('cancels a task and its Queued children, refunding each; another user sees nothing change', async () => {
    const before = await h.credits(h.alice.userId);
    const orchestrator = await task(h.alice, 'join_clips_orchestrator', {}, 0);
    const children = [
      await task(h.alice, 'join_clips_segment', { orchestrator_task_id_ref: orchestrator }),
      await task(h.alice, 'join_clips_segment', { orchestrator_task_id_ref: orchestrator }),
    ];
    const bobs = await task(h.bob, 'single_image');
    expect(await h.credits(h.alice.userId)).toBe(before - 6);

    const read = await supabaseJs('GET', `tasks?select=*&id=eq.${orchestrator}`, h.alice.jwt, {
      headers: { accept: OBJECT },
    });
    expect(read.status).toBe(200);
    const fetched = await json(read);
    const cancelled = await supabaseJs('PATCH', `tasks?id=eq.${orchestrator}`, h.alice.jwt, {
      body: { status: 'Cancelled', updated_at: new Date().toISOString() },
    });
    // `if (cancelError) throw`: a 2xx without a body is no error.
    expect(cancelled.status).toBe(204);
    expect(fetched.task_type.includes('orchestrator')).toBe(true);

    const subtasks = await json(
      await supabaseJs(
        'GET',
        `tasks?select=id%2Cparams&project_id=eq.${fetched.project_id}&status=in.%28Queued%29`,
        h.alice.jwt,
      ),
    );
    const subtaskIds = subtasks
      .filter(
        (row: { params: Record<string, unknown> }) => row.params.orchestrator_task_id_ref === orchestrator,
      )
      .map((row: { id: string }) => row.id);
    expect(subtaskIds.sort()).toEqual([...children].sort());
    // Bob's task slipped into the list is not Alice's to see, so not hers to cancel.
    const ids = [...subtaskIds, bobs].join(',');
    const cancelledChildren = await supabaseJs('PATCH', `tasks?id=in.%28${ids}%29`, h.alice.jwt, {
      body: { status: 'Cancelled', updated_at: new Date().toISOString() },
      headers: { prefer: 'count=exact' },
    });
    expect(cancelledChildren.status).toBe(204);
    expect(cancelledChildren.headers.get('content-range')).toBe('0-1/2');

    for (const id of [orchestrator, ...children]) expect((await h.task(id)).status).toBe('Cancelled');
    expect((await h.task(bobs)).status).toBe('Queued');
    expect(await h.credits(h.alice.userId)).toBe(before);
  });

  it('useUpdateTaskStatus: `.select().single()` answers the cancelled row; other statuses are refused', async () => {
    const taskId = await task(h.alice, 'single_image');
    const refused = await supabaseJs('PATCH', `tasks?id=eq.${taskId}&select=*`, h.alice.jwt, {
      body: { status: 'Complete', updated_at: new Date().toISOString() },
      headers: { prefer: 'return=representation', accept: OBJECT },
    });
    expect(refused.status).toBe(403);
    expect(await json(refused)).toMatchObject({
      code: '42501',
      details: "a task's owner may only cancel it",
    });
    expect((await h.task(taskId)).status).toBe('Queued');

    const res = await supabaseJs('PATCH', `tasks?id=eq.${taskId}&select=*`, h.alice.jwt, {
      body: { status: 'Cancelled', updated_at: new Date().toISOString() },
      headers: { prefer: 'return=representation', accept: OBJECT },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(OBJECT);
    expect(await json(res)).toMatchObject({ id: taskId, status: 'Cancelled', user_id: h.alice.userId });
  });

  it('a finished task is not cancelled again: 409, nothing changes', async () => {
    const taskId = await task(h.alice, 'single_image');
    await h.db.query(`select public.complete_task($1, 'done.png')`, [taskId]);
    const res = await supabaseJs('PATCH', `tasks?id=eq.${taskId}`, h.alice.jwt, {
      body: { status: 'Cancelled', updated_at: new Date().toISOString() },
    });
    expect(res.status).toBe(409);
    expect((await json(res)).message).toContain('Complete');
    expect((await h.task(taskId)).status).toBe('Complete');
  });
});

describe("Reigh's insert of tasks (imageInpaint.ts)", () => {
  const rows = (projectId: string, count: number) =>
    Array.from({ length: count }, () => ({
      project_id: projectId,
      task_type: 'image_inpaint',
      status: 'Queued',
      params: {
        image_url: 'https://example.com/in.png',
        mask_url: 'https://example.com/mask.png',
        prompt: 'a red door',
        num_generations: 1,
      },
    }));
  const insert = (body: unknown, jwt = h.alice.jwt) =>
    supabaseJs(
      'POST',
      'tasks?columns=%22project_id%22%2C%22task_type%22%2C%22status%22%2C%22params%22&select=id',
      jwt,
      {
        body,
        headers: { prefer: 'return=representation' },
      },
    );

  it('creates one task per row at the registered price, and answers their ids', async () => {
    const before = await h.credits(h.alice.userId);
    const res = await insert(rows(h.alice.projectId, 2));
    expect(res.status).toBe(201);
    const tasks = await json(res);
    // `if (!tasks || tasks.length === 0) throw`; the first id is the one Reigh returns.
    expect(tasks).toHaveLength(2);
    for (const { id } of tasks) {
      expect(Object.keys(tasks[0])).toEqual(['id']);
      expect(await h.task(id)).toMatchObject({
        taskType: 'image_inpaint',
        status: 'Queued',
        projectId: h.alice.projectId,
        userId: h.alice.userId,
        params: expect.objectContaining({ prompt: 'a red door', mask_url: 'https://example.com/mask.png' }),
      });
    }
    // image_inpaint: per_unit 0.002 (Reigh's task_types) → 1 whole credit per task.
    expect(await h.credits(h.alice.userId)).toBe(before - 2);
  });

  it("creates none when one row is bad: another user's project, an unknown type, a column gpuq sets", async () => {
    const before = await h.credits(h.alice.userId);
    const count = async () =>
      Number(
        (await h.db.query('select count(*) from public.tasks where user_id = $1', [h.alice.userId])).rows[0]!
          .count,
      );
    const tasksBefore = await count();
    const cases: Array<[unknown, number, string]> = [
      [[...rows(h.alice.projectId, 1), ...rows(h.bob.projectId, 1)], 403, '42501'],
      [[{ ...rows(h.alice.projectId, 1)[0], task_type: 'no_such_type' }], 400, 'PGRST100'],
      [[{ ...rows(h.alice.projectId, 1)[0], cost: 0 }], 403, '42501'],
      [[{ ...rows(h.alice.projectId, 1)[0], status: 'Complete' }], 400, '22023'],
      [[{ ...rows(h.alice.projectId, 1)[0], nope: 1 }], 400, 'PGRST204'],
      [[], 400, 'PGRST102'],
    ];
    for (const [body, status, code] of cases) {
      const res = await insert(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect((await json(res)).code).toBe(code);
    }
    const upsert = await supabaseJs('POST', 'tasks?select=id', h.alice.jwt, {
      body: rows(h.alice.projectId, 1),
      headers: { prefer: 'return=representation,resolution=merge-duplicates' },
    });
    expect(upsert.status).toBe(400);
    expect(await count()).toBe(tasksBefore);
    expect(await h.credits(h.alice.userId)).toBe(before);
  });
});
