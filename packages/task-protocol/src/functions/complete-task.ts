/**
 * POST /functions/v1/complete-task and /functions/v1/complete_task (the current Headless worker
 * calls the underscore name): three modes, see output/resolve-output.ts →
 * `{ success, public_url, thumbnail_url, message }`.
 */
import type { AuthEnv } from '@gpuq/auth';
import { HttpError, parseJsonBody } from '@gpuq/http';
import { CompleteTaskRequest, type CompleteTaskResponse } from '@gpuq/job-types';
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { completeWithOutput } from '../actions/complete.js';
import { resolveOutput } from '../output/resolve-output.js';
import { assertCompletableBy } from '../recovery/late-completion.js';
import { callerScope, taskInScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export const COMPLETE_TASK_PATHS = ['/complete-task', '/complete_task'] as const;

/** The JSON body a base64 file (and its first frame) of the largest accepted size needs. */
export function completeTaskBodyLimit(uploadBase64MaxBytes: number): number {
  return Math.ceil((uploadBase64MaxBytes * 4) / 3) * 2 + 64 * 1024;
}

export function completeTaskRoutes(app: Hono<AuthEnv>, ctx: RouteContext): void {
  const limit = bodyLimit({
    maxSize: completeTaskBodyLimit(ctx.settings.uploadBase64MaxBytes),
    onError: () => {
      throw new HttpError(413, 'payload_too_large', 'request body too large; use generate-upload-url');
    },
  });
  for (const path of COMPLETE_TASK_PATHS) {
    app.post(path, limit, async (c) => {
      const scope = callerScope(c);
      const body = await parseJsonBody(c, CompleteTaskRequest);
      const task = await taskInScope(ctx.db, scope, body.task_id);
      assertCompletableBy(task, body.worker_id);
      if (task.status === 'Failed' || task.status === 'Cancelled') {
        throw new HttpError(409, 'conflict', `task ${task.id} is already ${task.status}`);
      }
      if (task.status === 'Complete') {
        // A retried completion (the worker lost our answer): the first result stands, nothing is stored.
        return c.json({
          success: true,
          public_url: task.outputLocation,
          thumbnail_url: task.thumbnailUrl,
          message: 'Task was already complete',
        } satisfies CompleteTaskResponse);
      }
      const output = await resolveOutput(ctx, task, body);
      await completeWithOutput(ctx, scope, task, output);
      ctx.logger.info({ taskId: task.id, outputLocation: output.outputLocation }, 'task completed over http');
      const answer: CompleteTaskResponse = {
        success: true,
        public_url: output.outputLocation,
        thumbnail_url: output.thumbnailUrl,
        message: 'Task completed and file uploaded successfully',
      };
      return c.json(answer);
    });
  }
}
