/**
 * POST /functions/v1/update-task-status `{ task_id, status, output_location?, thumbnail_url?,
 * reset_generation_started_at? }` → `{ success, task_id, status, message }`. For Failed the
 * worker puts its error message in output_location.
 */
import type { AuthEnv } from '@gpuq/auth';
import { parseJsonBody } from '@gpuq/http';
import { UpdateTaskStatusRequest, type UpdateTaskStatusResponse } from '@gpuq/job-types';
import type { Hono } from 'hono';
import { applyStatusUpdate } from '../actions/update-status.js';
import { callerScope, taskInScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export function updateTaskStatusRoute(app: Hono<AuthEnv>, ctx: RouteContext): void {
  app.post('/update-task-status', async (c) => {
    const scope = callerScope(c);
    const body = await parseJsonBody(c, UpdateTaskStatusRequest);
    const task = await taskInScope(ctx.db, scope, body.task_id);
    const errorDetails = (body as { error_details?: unknown }).error_details;
    const updated = await applyStatusUpdate(ctx, scope, task, {
      status: body.status,
      message: body.output_location ?? (typeof errorDetails === 'string' ? errorDetails : null),
      resetClock: body.reset_generation_started_at === true,
    });
    ctx.logger.info({ taskId: task.id, status: updated.status }, 'task status updated over http');
    const answer: UpdateTaskStatusResponse = {
      success: true,
      task_id: updated.id,
      status: updated.status,
      message: `Task status updated to '${updated.status}'`,
    };
    return c.json(answer);
  });
}
