/**
 * `/rest/v1/rpc/*`: the allow-list as supabase-js `.rpc()` calls it (arguments as body keys,
 * PostgREST-shaped errors), and nothing else.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, SERVICE_KEY, startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ label: 'rpc' });
});
afterAll(async () => {
  await h?.close();
});

// An empty token sends no Authorization header at all.
const rpc = (name: string, args: unknown, token = SERVICE_KEY) => h.post(`/rest/v1/rpc/${name}`, token, args);

async function create(): Promise<string> {
  const taskId = randomUUID();
  const res = await h.post('/functions/v1/create-task', h.alice.pat, {
    task_id: taskId,
    params: { prompt: 'an owl' },
    task_type: 'single_image',
    project_id: h.alice.projectId,
  });
  expect(res.status).toBe(200);
  return taskId;
}

function expectPostgrestShape(body: unknown): void {
  expect(Object.keys(body as object).sort()).toEqual(['code', 'details', 'hint', 'message']);
}

describe('rpc allow-list', () => {
  it.each(['create_task', 'requeue_stale_tasks', 'grant_credits', 'claim_task', 'constructor', '__proto__'])(
    '%s is not exposed: 404 PGRST202, even to the service role',
    async (name) => {
      const res = await rpc(name, {});
      expect(res.status).toBe(404);
      const body = await json(res);
      expectPostgrestShape(body);
      expect(body.code).toBe('PGRST202');
    },
  );

  it('func_claim_available_task claims like claim-next-task and answers rows', async () => {
    const taskId = await create();
    // A pull-worker's (tasks-scoped) token: its claim registers the worker.
    const res = await rpc('func_claim_available_task', { worker_id_param: 'rpc-worker' }, h.alice.pat);
    expect(res.status).toBe(200);
    const rows = await json(res);
    expect(rows).toEqual([
      expect.objectContaining({
        id: taskId,
        status: 'In Progress',
        worker_id: 'rpc-worker',
        task_type: 'single_image',
      }),
    ]);
    expect(rows[0].task_data).toEqual({ prompt: 'an owl' });
    expect(await json(await rpc('func_claim_available_task', { worker_id_param: 'rpc-worker' }))).toEqual([]);
    expect(
      await json(
        await rpc('complete_task_with_timing', {
          p_task_id: taskId,
          p_output_location: 'https://cdn.example.com/owl.png',
        }),
      ),
    ).toBe(true);
    expect(await h.task(taskId)).toMatchObject({
      status: 'Complete',
      outputLocation: 'https://cdn.example.com/owl.png',
    });
  });

  it('func_mark_task_failed (both signatures) and func_update_task_status fail with the message and refund', async () => {
    const before = await h.credits(h.alice.userId);
    const [a, b, c] = [await create(), await create(), await create()];
    expect(await json(await rpc('func_mark_task_failed', { p_task_id: a, p_error_message: 'OOM' }))).toBe(
      true,
    );
    expect(
      await json(await rpc('func_mark_task_failed', { task_id_param: b, error_message_param: 'bad input' })),
    ).toBe(true);
    expect(
      await json(
        await rpc('func_update_task_status', {
          p_task_id: c,
          p_status: 'Failed',
          p_output_location: 'worker crashed',
        }),
      ),
    ).toBe(true);
    expect((await h.task(a)).errorMessage).toBe('OOM');
    expect((await h.task(b)).errorMessage).toBe('bad input');
    expect((await h.task(c)).errorMessage).toBe('worker crashed');
    expect(await h.credits(h.alice.userId)).toBe(before);
    // An unknown task is "no row updated".
    expect(
      await json(await rpc('func_mark_task_failed', { p_task_id: randomUUID(), p_error_message: 'x' })),
    ).toBe(false);
  });

  it('answers errors in PostgREST shape: bad token 401, forbidden 403, wrong arguments 404, bad move 409', async () => {
    const taskId = await create();
    const cases: Array<[Response, number, string]> = [
      [await rpc('func_mark_task_failed', { p_task_id: taskId }, ''), 401, 'PGRST301'],
      [await rpc('func_mark_task_failed', { p_task_id: taskId }, 'not-a-token'), 401, 'PGRST301'],
      [
        await rpc('func_mark_task_failed', { p_task_id: taskId, p_error_message: 'x' }, h.bob.jwt),
        403,
        '42501',
      ],
      // A user's session is no worker (a `tasks` token is).
      [await rpc('func_worker_heartbeat_with_logs', { worker_id_param: 'w' }, h.alice.jwt), 403, '42501'],
      [await rpc('func_update_task_status', { p_task: taskId }), 404, 'PGRST202'],
    ];
    await rpc('complete_task_with_timing', {
      p_task_id: taskId,
      p_output_location: 'https://cdn.example.com/a.png',
    });
    cases.push([
      await rpc('func_update_task_status', { p_task_id: taskId, p_status: 'Queued' }),
      409,
      'PGRST100',
    ]);
    for (const [res, status, code] of cases) {
      expect(res.status).toBe(status);
      const body = await json(res);
      expectPostgrestShape(body);
      expect(body.code).toBe(code);
    }
  });
});
