/**
 * Task types as data, through a real queue-api (HTTP, Postgres, Redis): create-task accepts the
 * reference frontend's and the pull-worker's types from the task_types table, reserves what the
 * table prices them at, and leaves them for pull-workers (claimable over HTTP, never on a BullMQ
 * queue); an unknown type is a 400 naming where types are registered, creating and charging
 * nothing; a type added with the `task-types` command is accepted at once.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getTask } from '@gpuq/db';
import { QueueName } from '@gpuq/job-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backlogSeconds } from '../src/metrics/backlog.js';
import { type ApiHarness, startApi } from './api-harness.js';
import { createTask, credits, newUser, SERVICE_TOKEN, taskRows } from './security/protocol-helpers.js';

const run = promisify(execFile);
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** 1x1 PNG, as a pull-worker uploads an image result. */
const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ GPUQ_SIGNUP_CREDITS: '100' });
});
afterAll(async () => {
  await api?.close();
});

/** Whether a task has a job (in any state) on either of our fleet's queues (job id = task id). */
async function onFleetQueue(taskId: string): Promise<boolean> {
  for (const queue of QueueName.options) {
    if (await api.services.queues.queue(queue).getJob(taskId)) return true;
  }
  return false;
}

async function claim(runType: 'gpu' | 'api'): Promise<Response> {
  return api.request('/functions/v1/claim-next-task', {
    token: SERVICE_TOKEN,
    json: { worker_id: `${runType}-worker-1`, run_type: runType },
  });
}

/** Runs the task-types command from source as an admin would, against the api's database. */
async function taskTypesCommand(
  ...args: string[]
): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'packages/db/src/cli/task-types.ts', ...args],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          DATABASE_URL: api.env.DATABASE_URL,
          // The tools connect to Postgres itself when the api runs through a pooler.
          ...(api.env.DATABASE_DIRECT_URL ? { DATABASE_DIRECT_URL: api.env.DATABASE_DIRECT_URL } : {}),
        },
      },
    );
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const failed = error as { stdout: string; stderr: string; code: number };
    return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code };
  }
}

describe('reference task types', () => {
  it('creates them at the table price, keeps them off BullMQ and hands them to pull-workers', async () => {
    const user = await newUser(api);
    // qwen_image: per_unit 0.039 -> 1; wgp: 0.01/s x 180 s -> 2; join_clips_orchestrator: its
    // children pay -> 0; individual_travel_segment: 0.0278/s x 180 s -> 6.
    const expected = { qwen_image: 1, wgp: 2, join_clips_orchestrator: 0, individual_travel_segment: 6 };
    const ids: Record<string, string> = {};
    for (const taskType of Object.keys(expected)) {
      const response = await createTask(api, user.token, {
        task_type: taskType,
        project_id: user.projectId,
        params: { prompt: 'a lighthouse', resolution: '1024x1024', worker_key: { kept: true } },
      });
      expect(response.status, taskType).toBe(200);
      ids[taskType] = response.headers.get('x-task-id')!;
    }
    expect(await credits(api, user.userId)).toBe(100 - 9);
    for (const [taskType, cost] of Object.entries(expected)) {
      const task = (await getTask(api.services.db, { taskId: ids[taskType]! }))!;
      expect({ type: task.taskType, cost: task.cost, status: task.status }).toEqual({
        type: taskType,
        cost,
        status: 'Queued',
      });
      expect(task.params).toMatchObject({ worker_key: { kept: true } });
    }
    for (const taskId of Object.values(ids)) expect(await onFleetQueue(taskId)).toBe(false);

    // An API-only worker gets the api type; GPU workers get the rest, oldest first.
    const apiClaim = await claim('api');
    expect(apiClaim.status).toBe(200);
    expect(await apiClaim.json()).toMatchObject({ task_id: ids.qwen_image, task_type: 'qwen_image' });
    const gpuClaims: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await claim('gpu');
      expect(response.status).toBe(200);
      gpuClaims.push(((await response.json()) as { task_type: string }).task_type);
    }
    expect(gpuClaims).toEqual(['wgp', 'join_clips_orchestrator', 'individual_travel_segment']);
    expect((await claim('gpu')).status).toBe(204);
    for (const taskId of Object.values(ids)) expect(await onFleetQueue(taskId)).toBe(false);

    // The worker completes it; its output is stored in the reference frontend's bucket.
    const done = await api.request('/functions/v1/complete-task', {
      token: SERVICE_TOKEN,
      json: { task_id: ids.qwen_image, file_data: PNG_1X1.toString('base64'), filename: 'lighthouse.png' },
    });
    expect(done.status).toBe(200);
    const completed = (await getTask(api.services.db, { taskId: ids.qwen_image! }))!;
    expect(completed.status).toBe('Complete');
    expect(completed.outputLocation).toContain('image_uploads');
  });

  it("lists and cancels them as the owner's jobs, outside our fleets' queues and backlog", async () => {
    const user = await newUser(api);
    const backlogBefore = await backlogSeconds(api.services.db);
    const response = await createTask(api, user.token, {
      task_type: 'wgp',
      project_id: user.projectId,
      params: { prompt: 'upscale' },
    });
    const taskId = response.headers.get('x-task-id')!;
    expect(await credits(api, user.userId)).toBe(98);
    expect(await backlogSeconds(api.services.db)).toEqual(backlogBefore);

    const listed = await api.request('/v1/jobs', { token: user.token });
    expect(listed.status).toBe(200);
    const { jobs } = (await listed.json()) as { jobs: Array<Record<string, unknown>> };
    expect(jobs).toEqual([
      expect.objectContaining({
        id: taskId,
        jobType: 'wgp',
        queue: null,
        status: 'queued',
        queuePosition: 1,
      }),
    ]);

    const cancelled = await api.request(`/v1/jobs/${taskId}/cancel`, { token: user.token, method: 'POST' });
    expect(cancelled.status).toBe(200);
    expect(await cancelled.json()).toMatchObject({ job: { id: taskId, status: 'cancelled', queue: null } });
    expect(await credits(api, user.userId)).toBe(100);
  });

  it('keeps the built-in types on our fleet, priced by code', async () => {
    const user = await newUser(api);
    const response = await createTask(api, user.token, {
      task_type: 'single_image',
      project_id: user.projectId,
      params: { prompt: 'a fox' },
    });
    expect(response.status).toBe(200);
    const taskId = response.headers.get('x-task-id')!;
    expect(await onFleetQueue(taskId)).toBe(true);
    expect(await credits(api, user.userId)).toBe(99);
  });
});

describe('calculate-task-cost', () => {
  const price = (token: string, json: unknown) =>
    api.request('/functions/v1/calculate-task-cost', { token, json });

  it('prices a create-task body exactly as create-task then reserves it, for registered and built-in types', async () => {
    const user = await newUser(api);
    const travel = {
      orchestrator_details: {
        base_prompts_expanded: ['dunes', 'sea'],
        segment_frames_expanded: [81, 81],
        frame_overlap_expanded: [8],
        parsed_resolution_wh: '832x480',
      },
    };
    const bodies = [
      { task_type: 'qwen_image', params: { prompt: 'a lighthouse' } },
      { task_type: 'join_clips_segment', params: {} },
      { task_type: 'single_image', params: { prompt: 'a fox', width: 2048, height: 2048 } },
      { task_type: 'travel_orchestrator', params: travel },
    ];
    const quoted: number[] = [];
    for (const body of bodies) {
      const response = await price(user.token, body);
      expect(response.status, body.task_type).toBe(200);
      const answer = (await response.json()) as { task_type: string; credits: number };
      expect(answer.task_type).toBe(body.task_type);
      quoted.push(answer.credits);
    }
    expect(quoted.slice(0, 3)).toEqual([1, 6, 4]);
    expect(await taskRows(api, user.userId)).toBe(0);

    for (const [i, body] of bodies.entries()) {
      const before = await credits(api, user.userId);
      const created = await createTask(api, user.token, { ...body, project_id: user.projectId });
      expect(created.status, body.task_type).toBe(200);
      expect(before - (await credits(api, user.userId)), body.task_type).toBe(quoted[i]);
    }
  });

  it('refuses an unknown type as create-task does', async () => {
    const user = await newUser(api);
    const response = await price(user.token, { task_type: 'no_such_type', params: {} });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { field: 'task_type' } });
  });
});

describe('task_types over /rest/v1', () => {
  it('lets a user read the registry and refuses their writes, changing nothing', async () => {
    const user = await newUser(api);
    const read = await api.request('/rest/v1/task_types?select=name,run_type,unit_cost&name=eq.qwen_image', {
      token: user.token,
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual([{ name: 'qwen_image', run_type: 'api', unit_cost: 0.039 }]);
    for (const method of ['POST', 'PATCH', 'DELETE']) {
      const write = await api.request('/rest/v1/task_types?name=eq.qwen_image', {
        token: user.token,
        method,
        json: { name: 'mine', unit_cost: 0 },
      });
      expect(write.status, method).toBeGreaterThanOrEqual(400);
      expect(write.status, method).toBeLessThan(500);
    }
    const { rows } = await api.services.db.query<{ unit_cost: string; n: number }>(
      "select (select unit_cost::text from public.task_types where name = 'qwen_image') as unit_cost, (select count(*)::integer from public.task_types where name = 'mine') as n",
    );
    expect(rows[0]).toEqual({ unit_cost: '0.039000', n: 0 });
  });
});

describe('unknown task types', () => {
  it('answers 400 naming the registry, creating and charging nothing', async () => {
    const user = await newUser(api);
    for (const taskType of ['no_such_type', 'video_fast']) {
      const response = await createTask(api, user.token, {
        task_type: taskType,
        project_id: user.projectId,
        params: { prompt: 'x' },
      });
      expect(response.status, taskType).toBe(400);
      const { error } = (await response.json()) as {
        error: { code: string; field: string; message: string };
      };
      expect(error).toMatchObject({ code: 'invalid_request', field: 'task_type' });
      expect(error.message).toContain(taskType);
      expect(error.message).toContain('task_types table');
      expect(error.message).toContain('pnpm task-types add');
    }
    expect(await taskRows(api, user.userId)).toBe(0);
    expect(await credits(api, user.userId)).toBe(100);
  });
});

describe('the task-types command', () => {
  it('adds a type that create-task then accepts at its price, and lists it', async () => {
    const user = await newUser(api);
    const body = { task_type: 'lab_relight', project_id: user.projectId, params: { prompt: 'dusk' } };
    expect((await createTask(api, user.token, body)).status).toBe(400);

    const added = await taskTypesCommand(
      'add',
      'lab_relight',
      '--category',
      'processing',
      '--run-type',
      'api',
      '--unit-cost',
      '2.5',
      '--content-type',
      'image',
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('added lab_relight: 3 credits per task');

    const response = await createTask(api, user.token, body);
    expect(response.status).toBe(200);
    const taskId = response.headers.get('x-task-id')!;
    expect(await credits(api, user.userId)).toBe(97);
    expect(await onFleetQueue(taskId)).toBe(false);
    // Older api tasks of the tests above come first: claim until ours comes.
    let claimed: { task_id?: string; task_type?: string } = {};
    for (let i = 0; i < 5 && claimed.task_id !== taskId; i += 1) {
      const response = await claim('api');
      expect(response.status).toBe(200);
      claimed = (await response.json()) as typeof claimed;
    }
    expect(claimed).toEqual(expect.objectContaining({ task_id: taskId, task_type: 'lab_relight' }));

    const listed = await taskTypesCommand('list');
    expect(listed.stdout).toMatch(/lab_relight +api +processing +per_unit +3 credits +pull-workers +admin/);

    const again = await taskTypesCommand('add', 'lab_relight', '--category', 'processing');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already registered');
  });
});
