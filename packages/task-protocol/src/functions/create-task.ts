/** POST /functions/v1/create-task → 200, body the text `Task queued` (the seed's answer). */
import type { AuthEnv } from '@gpuq/auth';
import { parseJsonBody } from '@gpuq/http';
import { CreateTaskRequest } from '@gpuq/job-types';
import type { Hono } from 'hono';
import { createProtocolTask } from '../actions/create-task.js';
import { callerScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export function createTaskRoute(app: Hono<AuthEnv>, ctx: RouteContext): void {
  app.post('/create-task', async (c) => {
    const scope = callerScope(c);
    const body = await parseJsonBody(c, CreateTaskRequest);
    const taskId = await createProtocolTask(ctx, scope, body);
    // The id rides in a header: the text body is what existing clients compare against.
    return c.text('Task queued', 200, { 'x-task-id': taskId });
  });
}
