/**
 * The Headless worker's writes through `/rest/v1`, replayed as supabase-py (postgrest-py) sends
 * them and judged by the worker's own conditions:
 * - source/fatal_error_handler.py 185-218, `_mark_worker_for_termination`: read the worker row,
 *   mark it `error`, give the task back (status Queued, worker cleared) — filtered on the worker
 *   and on In Progress, so only the holder's claim is given back;
 * - source/db_operations.py 1436-1446, `_delete_task_by_id` (duplicate child clean-up): a delete
 *   whose success is `len(response.data) > 0`.
 * postgrest-py sends, on every request: `apikey` and `Authorization: Bearer` with the client's
 * key, `Accept-Profile` / `Content-Profile: public`; on update and delete
 * `Prefer: return=representation` (pre_update / pre_delete); the filters through httpx's query
 * encoding (a blank as `+`); the JSON body compact, as httpx 0.28 encodes it.
 */
import { randomUUID } from 'node:crypto';
import { createTask } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, SERVICE_KEY, startHarness } from '../harness.js';
import { HeadlessWorker } from './headless-worker.js';

let h: Harness;
const WORKER = 'gpu-20250801_101500-5c2e9d1a';
const OBJECT = 'application/vnd.pgrst.object+json';

function postgrestPy(
  method: 'GET' | 'PATCH' | 'DELETE',
  query: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Response> {
  const key = options.key ?? SERVICE_KEY;
  return fetch(`${h.base}/rest/v1/${query}`, {
    method,
    headers: {
      apikey: key,
      authorization: `Bearer ${key}`,
      'accept-profile': 'public',
      'content-profile': 'public',
      'x-client-info': 'supabase-py/2.23.0',
      ...(method === 'GET' ? {} : { prefer: 'return=representation' }),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

/** A task of alice's with a credit reservation, so that what the writes do to credits shows. */
async function reservedTask(
  params: Record<string, unknown> = { prompt: 'an owl' },
  dependantOn: string[] = [],
): Promise<string> {
  const { task } = await createTask(h.db, {
    userId: h.alice.userId,
    projectId: h.alice.projectId,
    taskType: 'single_image',
    params,
    cost: 5,
    dependantOn,
  });
  return task.id;
}

beforeAll(async () => {
  h = await startHarness({ label: 'headless_writes' });
});
afterAll(async () => {
  await h?.close();
});

describe('the fatal-error handler gives its task back (fatal_error_handler.py 185-218)', () => {
  it('reads and marks its worker, then requeues only its own In Progress claim', async () => {
    const taskId = await reservedTask();
    const worker = new HeadlessWorker(h, SERVICE_KEY, WORKER);
    expect((await worker.claim())?.task_id).toBe(taskId);
    const credits = await h.credits(h.alice.userId);

    // .table('workers').select('id, metadata').eq('id', worker_id).single() → `if not worker_response.data: return False`
    const read = await postgrestPy('GET', `workers?select=id%2C+metadata&id=eq.${WORKER}`, {
      headers: { accept: OBJECT },
    });
    expect(read.status).toBe(200);
    const workerRow = await json(read);
    expect(workerRow.id).toBe(WORKER);

    // .table('workers').update({'status': 'error', 'metadata': {...}}).eq('id', worker_id) → `if not update_response.data: return False`
    const reason = 'FATAL CUDA: CUDA error: an illegal memory access was encountered';
    const marked = await postgrestPy('PATCH', `workers?id=eq.${WORKER}`, {
      body: {
        status: 'error',
        metadata: {
          ...workerRow.metadata,
          error_reason: reason,
          error_time: '2026-12-05T11:20:00.123456+00:00',
          self_terminated: true,
        },
      },
    });
    expect(marked.status).toBe(200);
    const markedRows = await json(marked);
    expect(markedRows).toHaveLength(1);
    expect(markedRows[0]).toMatchObject({ id: WORKER, status: 'error' });
    expect(markedRows[0].metadata).toMatchObject({ error_reason: reason, self_terminated: true });

    // .table('tasks').update({'status': 'Queued', 'worker_id': None, 'generation_started_at': None,
    //   'error_details': reason}).eq('id', task_id).eq('worker_id', worker_id).eq('status', 'In Progress')
    const release = () =>
      postgrestPy('PATCH', `tasks?id=eq.${taskId}&worker_id=eq.${WORKER}&status=eq.In+Progress`, {
        body: { status: 'Queued', worker_id: null, generation_started_at: null, error_details: reason },
      });
    const released = await release();
    expect(released.status).toBe(200);
    const releasedRows = await json(released);
    // `if task_response.data: logger.info("Task ... reset to Queued")`
    expect(releasedRows).toHaveLength(1);
    expect(releasedRows[0]).toMatchObject({
      id: taskId,
      status: 'Queued',
      worker_id: null,
      generation_started_at: null,
      error_message: reason,
    });

    const task = await h.task(taskId);
    expect(task).toMatchObject({ status: 'Queued', workerId: null, claimedBy: null, attempts: 1 });
    // The task will still run: its reservation stays, nothing is refunded or charged.
    expect(await h.credits(h.alice.userId)).toBe(credits);
    // Another worker takes it up.
    const next = new HeadlessWorker(h, SERVICE_KEY, 'gpu-20250801_111500-0b7d3f42');
    expect((await next.claim())?.task_id).toBe(taskId);

    // The same request again matches nothing now (the claim is the other worker's): an empty list,
    // which the worker logs as "may not have been reset". The new claim is untouched.
    const again = await release();
    expect(again.status).toBe(200);
    expect(await json(again)).toEqual([]);
    expect(await h.task(taskId)).toMatchObject({
      status: 'In Progress',
      workerId: 'gpu-20250801_111500-0b7d3f42',
    });
    await h.db.query(`update public.tasks set status = 'Cancelled' where id = $1`, [taskId]);
  });
});

describe('the duplicate clean-up deletes a child task (db_operations.py 1436-1446)', () => {
  const remove = (taskId: string) => postgrestPy('DELETE', `tasks?id=eq.${taskId}`);

  it('deletes a Queued duplicate, refunds its reservation, and answers the deleted row', async () => {
    const before = await h.credits(h.alice.userId);
    const duplicate = await reservedTask({ orchestrator_task_id_ref: randomUUID(), segment_index: 0 });
    expect(await h.credits(h.alice.userId)).toBe(before - 5);
    const res = await remove(duplicate);
    expect(res.status).toBe(200);
    const rows = await json(res);
    // `return len(response.data) > 0 if response.data else False`
    expect(rows.length > 0).toBe(true);
    expect(rows[0]).toMatchObject({ id: duplicate, status: 'Queued' });
    const { rows: left } = await h.db.query('select 1 from public.tasks where id = $1', [duplicate]);
    expect(left).toEqual([]);
    expect(await h.credits(h.alice.userId)).toBe(before);
    // Deleting it again: nothing matches, `response.data` is empty → False.
    expect(await json(await remove(duplicate))).toEqual([]);
  });

  it('refuses a running task and one another task waits on: the worker records an error, nothing changes', async () => {
    const running = await reservedTask();
    expect((await new HeadlessWorker(h, SERVICE_KEY, WORKER).claim())?.task_id).toBe(running);
    const refused = await remove(running);
    expect(refused.status).toBe(409);
    const body = await json(refused);
    expect(Object.keys(body).sort()).toEqual(['code', 'details', 'hint', 'message']);
    expect(body.message).toContain('In Progress');
    expect((await h.task(running)).status).toBe('In Progress');

    const first = await reservedTask();
    const second = await reservedTask({ prompt: 'after the first' }, [first]);
    const waitedOn = await remove(first);
    expect(waitedOn.status).toBe(409);
    expect((await json(waitedOn)).message).toContain(second);
    expect((await h.task(first)).status).toBe('Queued');
    await h.db.query(`update public.tasks set status = 'Cancelled' where id = any($1)`, [
      [running, first, second],
    ]);
  });
});

describe('what a write may do', () => {
  it("a user's token may not give a task back, fail or delete it: 403 42501, the task unchanged", async () => {
    const taskId = await reservedTask();
    for (const key of [h.alice.jwt, h.alice.pat]) {
      for (const body of [
        { status: 'Failed' },
        { status: 'Queued', worker_id: null },
        { error_message: 'x' },
      ]) {
        const res = await postgrestPy('PATCH', `tasks?id=eq.${taskId}`, { key, body });
        expect(res.status).toBe(403);
        expect((await json(res)).code).toBe('42501');
      }
      const gone = await postgrestPy('DELETE', `tasks?id=eq.${taskId}`, { key });
      expect(gone.status).toBe(403);
    }
    expect(await h.task(taskId)).toMatchObject({ status: 'Queued', errorMessage: null });
    await h.db.query(`update public.tasks set status = 'Cancelled' where id = $1`, [taskId]);
  });

  it('Failed through PATCH is a failure with its refund, as update-task-status makes it', async () => {
    const before = await h.credits(h.alice.userId);
    const taskId = await reservedTask();
    const res = await postgrestPy('PATCH', `tasks?id=eq.${taskId}`, {
      body: { status: 'Failed', error_message: 'out of memory' },
      headers: { prefer: 'return=minimal' },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(await h.task(taskId)).toMatchObject({ status: 'Failed', errorMessage: 'out of memory' });
    expect(await h.credits(h.alice.userId)).toBe(before);
  });

  it.each([
    [{ status: 'Complete' }, 409, 'GQ005', 'complete_task'],
    [{ status: 'In Progress' }, 409, 'GQ005', 'claim-next-task'],
    [{ cost: 0 }, 403, '42501', 'tasks.cost'],
    [{ output_location: 'x.png' }, 403, '42501', 'tasks.output_location'],
    [{ nope: 1 }, 400, 'PGRST204', "'nope' column"],
    [{ worker_id: 'gpu-other' }, 400, '22023', 'worker_id'],
    [{ worker_id: null }, 400, '22023', 'status Queued'],
    [{ status: 'Sleeping' }, 400, '22023', 'tasks.status'],
    [['status', 'Failed'], 400, 'PGRST102', 'Empty or invalid json'],
  ])('PATCH %j → %i %s, nothing changes', async (body, status, code, named) => {
    const taskId = await reservedTask();
    const res = await postgrestPy('PATCH', `tasks?id=eq.${taskId}`, { body });
    expect(res.status).toBe(status);
    const error = await json(res);
    expect(error.code).toBe(code);
    expect(`${error.message} ${error.details}`).toContain(named);
    expect(await h.task(taskId)).toMatchObject({ status: 'Queued', cost: 5, workerId: null });
    await h.db.query(`update public.tasks set status = 'Cancelled' where id = $1`, [taskId]);
  });

  it('an object Accept reaching two rows is 406 and changes neither', async () => {
    const ref = randomUUID();
    const a = await reservedTask({ orchestrator_task_id_ref: ref });
    const b = await reservedTask({ orchestrator_task_id_ref: ref });
    const res = await postgrestPy('PATCH', `tasks?params->>orchestrator_task_id_ref=eq.${ref}`, {
      body: { status: 'Cancelled' },
      headers: { accept: OBJECT },
    });
    expect(res.status).toBe(406);
    expect((await json(res)).code).toBe('PGRST116');
    expect((await h.task(a)).status).toBe('Queued');
    expect((await h.task(b)).status).toBe('Queued');
    // The same write without the object Accept cancels both, each refunded.
    const before = await h.credits(h.alice.userId);
    const both = await postgrestPy(
      'PATCH',
      `tasks?select=id,status&params->>orchestrator_task_id_ref=eq.${ref}`,
      {
        body: { status: 'Cancelled' },
        headers: { prefer: 'return=representation,count=exact' },
      },
    );
    expect(both.status).toBe(200);
    expect(both.headers.get('content-range')).toBe('0-1/2');
    expect(await json(both)).toEqual(
      [
        { id: a, status: 'Cancelled' },
        { id: b, status: 'Cancelled' },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    expect(await h.credits(h.alice.userId)).toBe(before + 10);
  });

  it.each([
    ['PATCH', 'tasks', 400, '21000'],
    ['DELETE', 'tasks', 400, '21000'],
    ['PATCH', `tasks?id=eq.${randomUUID()}&limit=1`, 400, 'PGRST100'],
    ['PATCH', `generations?id=eq.${randomUUID()}`, 405, 'PGRST117'],
    ['DELETE', `workers?id=eq.${WORKER}`, 405, 'PGRST117'],
    ['PUT', 'tasks', 405, 'PGRST117'],
    ['POST', 'generations', 405, 'PGRST117'],
    ['PATCH', `secrets?id=eq.1`, 404, 'PGRST205'],
  ] as const)('%s %s → %i %s', async (method, query, status, code) => {
    const res = await fetch(`${h.base}/rest/v1/${query}`, {
      method,
      headers: {
        apikey: SERVICE_KEY,
        authorization: `Bearer ${SERVICE_KEY}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ status: 'Cancelled' }),
    });
    expect(res.status).toBe(status);
    expect((await json(res)).code).toBe(code);
  });

  it('Content-Profile other than public is 406 PGRST106', async () => {
    const res = await postgrestPy('PATCH', `workers?id=eq.${WORKER}`, {
      body: { status: 'active' },
      headers: { 'content-profile': 'storage' },
    });
    expect(res.status).toBe(406);
    expect((await json(res)).code).toBe('PGRST106');
  });
});
