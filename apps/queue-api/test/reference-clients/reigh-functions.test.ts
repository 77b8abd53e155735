/**
 * Reigh's edge-function requests against queue-api as deployed (real HTTP, the app's own auth and
 * routes), each checked with the condition its caller applies.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SECRETS, startApi } from '../api-harness.js';

let api: ApiHarness;
let owner: string;
let projectId: string;

beforeAll(async () => {
  api = await startApi();
  owner = await api.token(randomUUID());
  const res = await api.request('/v1/projects', { token: owner, json: { name: 'travels' } });
  projectId = ((await res.json()) as { project: { id: string } }).project.id;
});
afterAll(async () => {
  await api?.close();
});

async function createImageTask(path = '/functions/v1/create-task'): Promise<Response> {
  // src/shared/lib/taskCreation.ts 183-188: the body Reigh's createTask posts.
  return api.request(path, {
    token: owner,
    json: {
      params: { prompt: 'a lighthouse' },
      task_type: 'single_image',
      project_id: projectId,
      dependant_on: null,
    },
  });
}

describe("Reigh's functions", () => {
  it('create-task and create_task answer JSON { task_id, status } with the id in x-task-id', async () => {
    for (const path of ['/functions/v1/create-task', '/functions/v1/create_task']) {
      const res = await createImageTask(path);
      // supabase.functions.invoke: a 2xx JSON answer is `data`; taskCreation.ts returns it.
      expect(res.status).toBe(200);
      const data = (await res.json()) as { task_id: string; status: string };
      expect(data).toEqual({ task_id: expect.any(String), status: 'Task queued' });
      expect(res.headers.get('x-task-id')).toBe(data.task_id);
    }
  });

  it('calculate-task-cost takes { task_id } (supabase/functions/calculate-task-cost/index.ts 91-96)', async () => {
    const { task_id: taskId } = (await (await createImageTask()).json()) as { task_id: string };
    for (const token of [owner, SECRETS.SUPABASE_SERVICE_ROLE_KEY]) {
      const res = await api.request('/functions/v1/calculate-task-cost', {
        token,
        json: { task_id: taskId },
      });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { success: boolean; task_id: string; cost: number };
      expect(answer).toMatchObject({ success: true, task_id: taskId, billing_type: 'per_task' });
      expect(answer.cost).toBeGreaterThan(0);
    }
    const stranger = await api.token(randomUUID());
    const refused = await api.request('/functions/v1/calculate-task-cost', {
      token: stranger,
      json: { task_id: taskId },
    });
    expect(refused.status).toBe(403);
    const unknown = await api.request('/functions/v1/calculate-task-cost', {
      token: owner,
      json: { task_id: randomUUID() },
    });
    expect(unknown.status).toBe(404);
    const bad = await api.request('/functions/v1/calculate-task-cost', {
      token: owner,
      json: { task_id: 'nope' },
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { field: string } }).error.field).toBe('task_id');
  });

  it('calculate-task-cost { task_id } of a per_second task that ran 60 s answers what it paid', async () => {
    // individual_travel_segment: 0.0278 per second (Reigh's task_types), 6 reserved for 180 s.
    const created = await api.request('/functions/v1/create-task', {
      token: owner,
      json: {
        params: { prompt: 'a lighthouse' },
        task_type: 'individual_travel_segment',
        project_id: projectId,
      },
    });
    const { task_id: taskId } = (await created.json()) as { task_id: string };
    const cost = async () => {
      const res = await api.request('/functions/v1/calculate-task-cost', {
        token: owner,
        json: { task_id: taskId },
      });
      return ((await res.json()) as { cost: number }).cost;
    };
    expect(await cost()).toBe(6);
    // A pull-worker's claim and completion, as the task functions record them, 60 s apart.
    await api.services.db.query(
      `update public.tasks set status = 'In Progress', claimed_by = 'http', claimed_at = now() - interval '60 seconds',
       generation_started_at = now() - interval '60 seconds' where id = $1`,
      [taskId],
    );
    await api.services.db.query(`select public.complete_task($1, 'segment.mp4')`, [taskId]);
    // Reigh's rule: 0.0278 x ceil(seconds), here whole credits: ceil(0.0278 x 60) = 2.
    expect(await cost()).toBe(Math.ceil(0.0278 * 60));
  });

  it('an unknown personal access token is 403 (supabase/functions/_shared/auth.ts 124-131); a malformed one 401', async () => {
    const unknown = await api.request('/functions/v1/claim-next-task', {
      token: `gpuq_pat_${'A'.repeat(43)}`,
      json: { worker_id: 'gpu-1', run_type: 'gpu' },
    });
    expect(unknown.status).toBe(403);
    const malformed = await api.request('/functions/v1/claim-next-task', {
      token: 'not-a-token',
      json: { worker_id: 'gpu-1', run_type: 'gpu' },
    });
    expect(malformed.status).toBe(401);
  });
});
