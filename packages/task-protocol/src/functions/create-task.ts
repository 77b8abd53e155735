/**
 * POST /functions/v1/create-task (and `create_task`) → 200 `{ task_id, status: 'Task queued' }`,
 * Reigh's answer, with the id in `x-task-id` too. The Headless worker's add_task_to_db checks only
 * the status code, and a client comparing the seed's text finds it as `status`.
 */
import type { AuthEnv } from '@gpuq/auth';
import { parseJsonBody } from '@gpuq/http';
import { CreateTaskRequest, type CreateTaskResponse } from '@gpuq/job-types';
import type { Hono } from 'hono';
import { createProtocolTask } from '../actions/create-task.js';
import { callerScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export const CREATE_TASK_PATHS = ['/create-task', '/create_task'] as const;

export function createTaskRoute(app: Hono<AuthEnv>, ctx: RouteContext): void {
  for (const path of CREATE_TASK_PATHS) {
    app.post(path, async (c) => {
      const scope = callerScope(c);
      const body = await parseJsonBody(c, CreateTaskRequest);
      const taskId = await createProtocolTask(ctx, scope, body);
      const answer: CreateTaskResponse = { task_id: taskId, status: 'Task queued' };
      return c.json(answer, 200, { 'x-task-id': taskId });
    });
  }
}
