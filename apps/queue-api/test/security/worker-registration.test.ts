/**
 * The workers table is fleet state: a claim registers its worker only for the service role or a
 * `tasks`-scoped token, and only when it claims a task. Any other user's claim (a JWT, an app's
 * token) works on their own tasks but records no worker.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, SECRETS, startApi } from '../api-harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

interface User {
  jwt: string;
  projectId: string;
}

async function newUser(): Promise<User> {
  const jwt = await api.token(randomUUID());
  const response = await api.request('/v1/projects', { token: jwt, json: { name: 'workers' } });
  expect(response.status).toBe(201);
  return { jwt, projectId: ((await response.json()) as { project: { id: string } }).project.id };
}

async function createTask(user: User): Promise<string> {
  const taskId = randomUUID();
  const response = await api.request('/functions/v1/create-task', {
    token: user.jwt,
    json: {
      task_id: taskId,
      params: { prompt: 'a lighthouse' },
      task_type: 'single_image',
      project_id: user.projectId,
    },
  });
  expect(response.status).toBe(200);
  return taskId;
}

async function mint(user: User, scope: string): Promise<string> {
  const response = await api.request('/v1/tokens', { token: user.jwt, json: { scope } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

async function workerRow(workerId: string): Promise<number> {
  const { rows } = await api.services.db.query('select 1 from public.workers where id = $1', [workerId]);
  return rows.length;
}

const claim = (token: string, workerId: string) =>
  api.request('/functions/v1/claim-next-task', { token, json: { worker_id: workerId } });
const rpcClaim = (token: string, workerId: string) =>
  api.request('/rest/v1/rpc/func_claim_available_task', { token, json: { worker_id_param: workerId } });

describe('worker registration', () => {
  it("a user's JWT claims their task but registers no worker (edge function and rpc)", async () => {
    const user = await newUser();
    const first = await createTask(user);
    const viaFunction = await claim(user.jwt, 'user-jwt-worker');
    expect(viaFunction.status).toBe(200);
    expect(await viaFunction.json()).toMatchObject({ task_id: first });
    expect(await workerRow('user-jwt-worker')).toBe(0);

    const second = await createTask(user);
    const viaRpc = await rpcClaim(user.jwt, 'user-rpc-worker');
    expect(viaRpc.status).toBe(200);
    expect(await viaRpc.json()).toEqual([expect.objectContaining({ id: second, worker_id: null })]);
    expect(await workerRow('user-rpc-worker')).toBe(0);
  });

  it('a token made for apps (scope all or jobs) registers no worker either', async () => {
    const user = await newUser();
    await createTask(user);
    expect((await claim(await mint(user, 'all'), 'all-scope-worker')).status).toBe(200);
    expect(await workerRow('all-scope-worker')).toBe(0);
    expect((await claim(await mint(user, 'jobs'), 'jobs-scope-worker')).status).toBe(403);
    expect(await workerRow('jobs-scope-worker')).toBe(0);
  });

  it("a user's claim naming a worker the fleet registered records it, without touching its row", async () => {
    const service = SECRETS.SUPABASE_SERVICE_ROLE_KEY;
    const heartbeat = (taskId?: string) =>
      api.request('/rest/v1/rpc/func_worker_heartbeat_with_logs', {
        headers: { apikey: service },
        json: { worker_id_param: 'fleet-known', ...(taskId ? { current_task_id_param: taskId } : {}) },
      });
    expect((await heartbeat()).status).toBe(200);
    await api.services.db.query(
      "update public.workers set last_heartbeat = now() - interval '1 hour', status = 'idle' where id = $1",
      ['fleet-known'],
    );
    const user = await newUser();
    const taskId = await createTask(user);
    // A token made before scopes (scope all), as a Headless worker may still hold.
    const legacy = await mint(user, 'all');
    expect((await claim(legacy, 'fleet-known')).status).toBe(200);
    const { rows } = await api.services.db.query<{ stale: boolean; status: string }>(
      "select last_heartbeat < now() - interval '30 minutes' as stale, status from public.workers where id = $1",
      ['fleet-known'],
    );
    expect(rows).toEqual([{ stale: true, status: 'idle' }]);
    // The fleet's heartbeat still keeps the task alive: it matches the task by its worker.
    const beat = await heartbeat(taskId);
    expect(await beat.json()).toMatchObject({ task_heartbeat: true });
  });

  it('a pull-worker token (scope tasks) registers its worker on a real claim, not on an empty one', async () => {
    const user = await newUser();
    const token = await mint(user, 'tasks');
    expect((await claim(token, 'fleet-idle')).status).toBe(204);
    expect((await rpcClaim(token, 'fleet-idle-rpc')).status).toBe(200);
    expect(await workerRow('fleet-idle')).toBe(0);
    expect(await workerRow('fleet-idle-rpc')).toBe(0);

    const taskId = await createTask(user);
    expect((await claim(token, 'fleet-1')).status).toBe(200);
    expect(await workerRow('fleet-1')).toBe(1);
    const { rows } = await api.services.db.query<{ worker_id: string }>(
      'select worker_id from public.tasks where id = $1',
      [taskId],
    );
    expect(rows[0]?.worker_id).toBe('fleet-1');
  });

  it('the service role registers its worker on a real claim only', async () => {
    const service = SECRETS.SUPABASE_SERVICE_ROLE_KEY;
    // Drain whatever earlier tests left claimable.
    while ((await claim(service, 'service-drain')).status === 200);
    expect((await claim(service, 'service-idle')).status).toBe(204);
    expect(await workerRow('service-idle')).toBe(0);
    await createTask(await newUser());
    expect((await claim(service, 'service-1')).status).toBe(200);
    expect(await workerRow('service-1')).toBe(1);
  });
});
