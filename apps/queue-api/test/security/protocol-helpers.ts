/** What the task-protocol security tests share: a user with a project, create-task over HTTP, credits, job data. */
import { randomUUID } from 'node:crypto';
import { getProfile } from '@gpuq/db';
import type { QueueJobData, QueueName } from '@gpuq/job-types';
import { expect } from 'vitest';
import { type ApiHarness, SECRETS } from '../api-harness.js';

export interface TestUser {
  userId: string;
  token: string;
  projectId: string;
}

/** The service role's bearer token, as a pull-worker fleet sends it. */
export const SERVICE_TOKEN = SECRETS.SUPABASE_SERVICE_ROLE_KEY;

export async function newUser(api: ApiHarness): Promise<TestUser> {
  const userId = randomUUID();
  const token = await api.token(userId);
  const res = await api.request('/v1/projects', { token, json: { name: 'protocol' } });
  expect(res.status).toBe(201);
  const { project } = (await res.json()) as { project: { id: string } };
  return { userId, token, projectId: project.id };
}

export function createTask(api: ApiHarness, token: string, body: Record<string, unknown>): Promise<Response> {
  return api.request('/functions/v1/create-task', { token, json: body });
}

/** A protocol single_image (SDXL fleet, public bucket) created over HTTP in a new project: its task id. */
export async function createSingleImageTask(api: ApiHarness, token: string): Promise<string> {
  const project = (await (await api.request('/v1/projects', { token, json: { name: 'p' } })).json()) as {
    project: { id: string };
  };
  const created = await createTask(api, token, {
    task_type: 'single_image',
    project_id: project.project.id,
    params: { prompt: 'a red fox' },
  });
  expect(created.status).toBe(200);
  return created.headers.get('x-task-id')!;
}

export async function credits(api: ApiHarness, userId: string): Promise<number> {
  return (await getProfile(api.services.db, userId))!.credits;
}

export async function jobData(
  api: ApiHarness,
  queue: QueueName,
  taskId: string,
): Promise<QueueJobData | null> {
  const job = await api.services.queues.queue(queue).getJob(taskId);
  return (job?.data as QueueJobData | undefined) ?? null;
}

export async function taskRows(api: ApiHarness, userId: string): Promise<number> {
  const { rows } = await api.services.db.query<{ n: number }>(
    'select count(*)::integer as n from public.tasks where user_id = $1',
    [userId],
  );
  return rows[0]!.n;
}
