/**
 * The auth matrix on every endpoint: no token or an invalid one → 401; a valid token without
 * access to the task or project named → 403; the owner and the service role get through.
 * Claiming and counting have nothing to refuse: they answer within the caller's scope.
 */
import { randomUUID } from 'node:crypto';
import { signDevJwt } from '@gpuq/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, JWT_SECRET, json, SERVICE_KEY, startHarness } from './harness.js';

let h: Harness;
let taskId: string;
let expired: string;

beforeAll(async () => {
  h = await startHarness({ label: 'authmatrix' });
  taskId = randomUUID();
  const res = await h.post('/functions/v1/create-task', h.alice.jwt, {
    task_id: taskId,
    params: { prompt: 'a heron' },
    task_type: 'single_image',
    project_id: h.alice.projectId,
  });
  expect(res.status).toBe(200);
  expired = await signDevJwt({ secret: JWT_SECRET, userId: h.alice.userId, expiresIn: -120 });
});
afterAll(async () => {
  await h?.close();
});

interface Endpoint {
  path: string;
  body: () => unknown;
  /** What bob (valid, not the owner) gets. */
  stranger: number;
}

const endpoints: Endpoint[] = [
  {
    path: '/functions/v1/create-task',
    body: () => ({ params: { prompt: 'x' }, task_type: 'single_image', project_id: h.alice.projectId }),
    stranger: 403,
  },
  { path: '/functions/v1/claim-next-task', body: () => ({ worker_id: 'w', run_type: 'gpu' }), stranger: 204 },
  {
    path: '/functions/v1/complete-task',
    body: () => ({ task_id: taskId, output_location: 'https://x.example/a.png' }),
    stranger: 403,
  },
  {
    path: '/functions/v1/complete_task',
    body: () => ({ task_id: taskId, output_location: 'https://x.example/a.png' }),
    stranger: 403,
  },
  {
    path: '/functions/v1/update-task-status',
    body: () => ({ task_id: taskId, status: 'In Progress' }),
    stranger: 403,
  },
  {
    path: '/functions/v1/task-counts',
    body: () => ({ run_type: 'gpu', include_active: true }),
    stranger: 200,
  },
  {
    path: '/functions/v1/generate-upload-url',
    body: () => ({ task_id: taskId, filename: 'a.png', content_type: 'image/png' }),
    stranger: 403,
  },
  { path: '/functions/v1/get-predecessor-output', body: () => ({ task_id: taskId }), stranger: 403 },
  {
    path: '/functions/v1/get-completed-segments',
    body: () => ({ run_id: 'run', project_id: h.alice.projectId }),
    stranger: 403,
  },
  {
    path: '/rest/v1/rpc/func_update_task_status',
    body: () => ({ p_task_id: taskId, p_status: 'In Progress' }),
    stranger: 403,
  },
  {
    path: '/rest/v1/rpc/func_mark_task_failed',
    body: () => ({ p_task_id: taskId, p_error_message: 'x' }),
    stranger: 403,
  },
  {
    path: '/rest/v1/rpc/complete_task_with_timing',
    body: () => ({ p_task_id: taskId, p_output_location: 'https://x.example/a.png' }),
    stranger: 403,
  },
  { path: '/rest/v1/rpc/func_claim_available_task', body: () => ({ worker_id_param: 'w' }), stranger: 200 },
  {
    path: '/rest/v1/rpc/func_worker_heartbeat_with_logs',
    body: () => ({ worker_id_param: 'w' }),
    // A `tasks` token is a pull-worker's: its heartbeat keeps only its own user's claims.
    stranger: 200,
  },
];

describe.each(endpoints)('$path', (endpoint) => {
  const rpc = endpoint.path.startsWith('/rest/');
  const code = async (res: Response) => {
    const body = await json(res);
    return rpc ? body.code : body.error.code;
  };

  it('401 without a token, with garbage, with an expired JWT', async () => {
    for (const token of [undefined, 'garbage', () => expired]) {
      const res = await h.post(endpoint.path, typeof token === 'function' ? token() : token, endpoint.body());
      expect(res.status).toBe(401);
      expect(await code(res)).toBe(rpc ? 'PGRST301' : 'unauthorized');
    }
  });

  it(`${endpoint.stranger} for a valid token of another user`, async () => {
    const res = await h.post(endpoint.path, h.bob.pat, endpoint.body());
    expect(res.status).toBe(endpoint.stranger);
    if (endpoint.stranger === 403) expect(await code(res)).toBe(rpc ? '42501' : 'forbidden');
  });

  it('lets the service role through', async () => {
    const res = await h.post(endpoint.path, SERVICE_KEY, endpoint.body());
    expect([401, 403]).not.toContain(res.status);
  });
});
