/**
 * `/rest/v1/rpc/*` arguments: a parameter of the right name with a value its function cannot take
 * is PostgREST's 400 naming it (not a 500 from the database), and of mark-failed's two
 * signatures the one that validated names the task.
 */
import { randomUUID } from 'node:crypto';
import { getTask } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, SERVICE_KEY, startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ label: 'rpc-args' });
});
afterAll(async () => {
  await h?.close();
});

const rpc = (name: string, args: unknown) => h.post(`/rest/v1/rpc/${name}`, SERVICE_KEY, args);

describe('rpc argument values', () => {
  it.each([
    ['vram_total_mb_param', { vram_total_mb_param: 3e9 }],
    ['vram_used_mb_param', { vram_used_mb_param: -1 }],
    ['current_task_id_param', { current_task_id_param: 'not-a-uuid' }],
  ])('a heartbeat with a bad %s is 400 naming it, and registers no worker', async (param, args) => {
    const workerId = `args-${randomUUID()}`;
    const res = await rpc('func_worker_heartbeat_with_logs', { worker_id_param: workerId, ...args });
    expect(res.status).toBe(400);
    const body = await json(res);
    expect(body).toMatchObject({ code: '22023', message: expect.stringContaining(param) });
    const { rows } = await h.db.query('select 1 from public.workers where id = $1', [workerId]);
    expect(rows).toHaveLength(0);
  });

  it('an argument missing altogether is still PGRST202', async () => {
    const res = await rpc('func_worker_heartbeat_with_logs', { vram_total_mb_param: 1 });
    expect(res.status).toBe(404);
    expect((await json(res)).code).toBe('PGRST202');
  });

  it('mark-failed uses the signature that validated, not a junk id beside it', async () => {
    const taskId = randomUUID();
    const created = await h.post('/functions/v1/create-task', h.alice.pat, {
      task_id: taskId,
      params: { prompt: 'an owl' },
      task_type: 'single_image',
      project_id: h.alice.projectId,
    });
    expect(created.status).toBe(200);
    const res = await rpc('func_mark_task_failed', {
      p_task_id: 'NaN',
      task_id_param: taskId,
      error_message_param: 'out of memory',
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toBe(true);
    expect(await getTask(h.db, { taskId })).toMatchObject({
      status: 'Failed',
      errorMessage: 'out of memory',
    });
  });
});
