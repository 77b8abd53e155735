/**
 * The rpc functions older Headless workers call (func_claim_task, func_claim_user_task,
 * func_add_task, func_initialize_tasks_table, func_migrate_tasks_for_task_type,
 * func_get_completed_generation_segments_for_stitch), with the arguments and answer shapes of the
 * seed's SQL functions, over real HTTP: scoped as every other route, priced as create-task.
 */
import { randomUUID } from 'node:crypto';
import { createTask } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, SERVICE_KEY, startHarness } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ label: 'rpcseed' });
});
afterAll(async () => {
  await h?.close();
});

const rpc = (name: string, args: unknown, token = SERVICE_KEY) => h.post(`/rest/v1/rpc/${name}`, token, args);

describe('seed rpc functions', () => {
  let added: string;

  it('func_add_task creates the task as create-task does, params given as JSON text (json.dumps)', async () => {
    added = randomUUID();
    const before = await h.credits(h.alice.userId);
    const res = await rpc(
      'func_add_task',
      {
        p_task_id: added,
        p_params: JSON.stringify({ prompt: 'a heron', worker_key: 'kept' }),
        p_task_type: 'single_image',
        p_project_id: h.alice.projectId,
        p_dependant_on: null,
        p_table_name: 'tasks',
      },
      h.alice.pat,
    );
    expect(res.status).toBe(200);
    expect(await json(res)).toBeNull();
    const task = await h.task(added);
    expect(task).toMatchObject({ status: 'Queued', userId: h.alice.userId, taskType: 'single_image' });
    expect(task.params).toMatchObject({ prompt: 'a heron', worker_key: 'kept' });
    expect(await h.credits(h.alice.userId)).toBeLessThan(before);
  });

  it("func_add_task refuses another user's project (403) and bad params (400), creating nothing", async () => {
    const id = randomUUID();
    const foreign = await rpc(
      'func_add_task',
      {
        p_task_id: id,
        p_params: '{"prompt":"x"}',
        p_task_type: 'single_image',
        p_project_id: h.bob.projectId,
      },
      h.alice.pat,
    );
    expect(foreign.status).toBe(403);
    const bad = await rpc(
      'func_add_task',
      { p_task_id: id, p_params: '[1]', p_task_type: 'single_image', p_project_id: h.alice.projectId },
      h.alice.pat,
    );
    expect(bad.status).toBe(400);
    expect((await json(bad)).code).toBe('22023');
    const { rows } = await h.db.query('select 1 from public.tasks where id = $1', [id]);
    expect(rows).toHaveLength(0);
  });

  it('func_claim_task claims the oldest ready task: task_id_out, params_out, task_type_out, project_id_out', async () => {
    const res = await rpc('func_claim_task', { p_table_name: 'tasks', p_worker_id: 'gpu-old-1' });
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual([
      {
        task_id_out: added,
        params_out: expect.objectContaining({ prompt: 'a heron' }),
        task_type_out: 'single_image',
        project_id_out: h.alice.projectId,
      },
    ]);
    expect(await h.task(added)).toMatchObject({ status: 'In Progress', workerId: 'gpu-old-1' });
    expect(
      await json(await rpc('func_claim_task', { p_table_name: 'tasks', p_worker_id: 'gpu-old-1' })),
    ).toEqual([]);
  });

  it("func_claim_user_task claims that user's task; a user may not name another user", async () => {
    const { task } = await createTask(h.db, {
      userId: h.bob.userId,
      projectId: h.bob.projectId,
      taskType: 'single_image',
      params: { prompt: 'bob' },
      cost: 0,
    });
    const refused = await rpc(
      'func_claim_user_task',
      { p_table_name: 'tasks', p_worker_id: 'w', p_user_id: h.bob.userId },
      h.alice.pat,
    );
    expect(refused.status).toBe(403);
    expect((await json(refused)).code).toBe('42501');
    expect((await h.task(task.id)).status).toBe('Queued');
    const none = await rpc(
      'func_claim_user_task',
      { p_table_name: 'tasks', p_worker_id: 'w', p_user_id: h.alice.userId },
      h.alice.pat,
    );
    expect(await json(none)).toEqual([]);
    const mine = await rpc(
      'func_claim_user_task',
      { p_table_name: 'tasks', p_worker_id: 'w', p_user_id: h.bob.userId },
      h.bob.pat,
    );
    expect((await json(mine))[0]).toMatchObject({ task_id_out: task.id, task_type_out: 'single_image' });
  });

  it('func_initialize_tasks_table and func_migrate_tasks_for_task_type answer their seed texts', async () => {
    expect(await json(await rpc('func_initialize_tasks_table', { p_table_name: 'tasks' }))).toBe(
      'Table tasks already exists and is ready',
    );
    expect(await json(await rpc('func_migrate_tasks_for_task_type', { p_table_name: 'tasks' }))).toContain(
      'Schema appears current.',
    );
    const other = await rpc('func_migrate_tasks_for_task_type', { p_table_name: 'profiles' });
    expect(other.status).toBe(400);
  });

  it("func_get_completed_generation_segments_for_stitch: a user's completed segments of a run, as segment_idx / output_loc", async () => {
    for (const [i, status] of (['Complete', 'Complete', 'Queued'] as const).entries()) {
      const { task } = await createTask(h.db, {
        userId: h.alice.userId,
        projectId: h.alice.projectId,
        taskType: 'travel_segment',
        params: { orchestrator_run_id: 'run-7', segment_index: i },
        cost: 0,
      });
      if (status === 'Complete') {
        await h.db.query(`update public.tasks set status = 'Complete', output_location = $2 where id = $1`, [
          task.id,
          `seg${i}.mp4`,
        ]);
      }
    }
    const args = { p_run_id: 'run-7', p_gen_task_type: 'travel_segment' };
    expect(
      await json(await rpc('func_get_completed_generation_segments_for_stitch', args, h.alice.pat)),
    ).toEqual([
      { segment_idx: 0, output_loc: 'seg0.mp4' },
      { segment_idx: 1, output_loc: 'seg1.mp4' },
    ]);
    expect(
      await json(await rpc('func_get_completed_generation_segments_for_stitch', args, h.bob.pat)),
    ).toEqual([]);
    const service = await rpc('func_get_completed_generation_segments_for_stitch', args);
    expect(service.status).toBe(400);
    expect((await json(service)).message).toContain('orchestrator_task_id');
  });
});
