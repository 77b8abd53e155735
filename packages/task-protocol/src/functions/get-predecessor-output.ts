/**
 * POST /functions/v1/get-predecessor-output `{ task_id }` → `{ predecessor_id, output_location }`
 * of the task's first dependency (both null when it has none; output_location null until the
 * predecessor is Complete). A travel segment reads the previous segment's video here.
 */
import type { AuthEnv } from '@gpuq/auth';
import { getPredecessorOutput } from '@gpuq/db';
import { parseJsonBody } from '@gpuq/http';
import { PredecessorOutputRequest, type PredecessorOutputResponse } from '@gpuq/job-types';
import type { Hono } from 'hono';
import { callerScope, taskInScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export function getPredecessorOutputRoute(app: Hono<AuthEnv>, ctx: RouteContext): void {
  app.post('/get-predecessor-output', async (c) => {
    const scope = callerScope(c);
    const body = await parseJsonBody(c, PredecessorOutputRequest);
    const task = await taskInScope(ctx.db, scope, body.task_id);
    const predecessor = await getPredecessorOutput(ctx.db, { taskId: task.id });
    const answer: PredecessorOutputResponse = {
      predecessor_id: predecessor?.predecessorId ?? null,
      output_location: predecessor?.outputLocation ?? null,
    };
    return c.json(answer);
  });
}
