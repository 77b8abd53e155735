/**
 * A travel_stitch must be runnable from what it is created with: invalid params are refused at
 * create-task (400 naming the field, nothing charged), and a stitch whose inputs turn out unusable
 * when it is dispatched is failed and refunded at once instead of being retried forever.
 */
import { randomUUID } from 'node:crypto';
import { getTask, createTask as insertTask } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { createTask, credits, newUser, taskRows } from './protocol-helpers.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({}, { background: true });
});
afterAll(async () => {
  await api?.close();
});

describe('travel_stitch params', () => {
  it('refuses empty params at create time, creating and charging nothing', async () => {
    const user = await newUser(api);
    const response = await createTask(api, user.token, {
      task_type: 'travel_stitch',
      project_id: user.projectId,
      params: {},
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'invalid_request', field: 'params.orchestrator_run_id' },
    });
    expect(await taskRows(api, user.userId)).toBe(0);
    expect(await credits(api, user.userId)).toBe(100);
  });

  it('fails and refunds a stitch whose segments cannot be read when it is dispatched', async () => {
    const user = await newUser(api);
    const response = await createTask(api, user.token, {
      task_type: 'travel_stitch',
      project_id: user.projectId,
      params: {
        orchestrator_run_id: 'run-1',
        orchestrator_task_id: randomUUID(),
        segment_task_ids: [randomUUID()],
        frame_overlaps: [],
        fps: 16,
      },
    });
    expect(response.status).toBe(200);
    const taskId = response.headers.get('x-task-id')!;
    await expect.poll(async () => (await getTask(api.services.db, { taskId }))?.status).toBe('Failed');
    expect(await credits(api, user.userId)).toBe(100);
  });

  it('fails and refunds a stored stitch with unusable params instead of retrying it', async () => {
    const user = await newUser(api);
    // As rows written before params were checked at create time look.
    const { task } = await insertTask(api.services.db, {
      userId: user.userId,
      projectId: user.projectId,
      taskType: 'travel_stitch',
      params: {},
    });
    expect(await credits(api, user.userId)).toBe(99);
    await api.services.enqueueTask(task);
    const failed = (await getTask(api.services.db, { taskId: task.id }))!;
    expect(failed.status).toBe('Failed');
    expect(failed.errorMessage).toContain('params.orchestrator_run_id');
    expect(await credits(api, user.userId)).toBe(100);
  });
});
