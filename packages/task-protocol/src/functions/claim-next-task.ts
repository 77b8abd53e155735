/**
 * POST /functions/v1/claim-next-task, body `{}` or `{ worker_id, run_type }` → 200
 * `{ task_id, params, task_type, project_id }`, or 204 when nothing in the caller's scope is
 * claimable. One SQL claim (FOR UPDATE SKIP LOCKED), so concurrent workers never share a task.
 * `worker_id` is registered (and recorded on the task) only for the service role or a
 * `tasks`-scoped token, and only when a task was claimed.
 */
import type { AuthEnv } from '@gpuq/auth';
import { claimNextTask } from '@gpuq/db';
import { parseJsonBody } from '@gpuq/http';
import { type ClaimedTask, ClaimNextTaskRequest } from '@gpuq/job-types';
import type { Hono } from 'hono';
import { callerScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export function claimNextTaskRoute(app: Hono<AuthEnv>, ctx: RouteContext): void {
  app.post('/claim-next-task', async (c) => {
    const scope = callerScope(c);
    const body = await parseJsonBody(c, ClaimNextTaskRequest);
    const task = await claimNextTask(ctx.db, {
      workerId: body.worker_id ?? null,
      runType: body.run_type ?? null,
      userId: scope.userId,
      // The workers table is fleet state: only the fleet's own credentials register into it.
      registerWorker: scope.registersWorkers ?? false,
    });
    if (!task) return c.body(null, 204);
    ctx.logger.info(
      { taskId: task.id, taskType: task.taskType, workerId: task.workerId },
      'task claimed over http',
    );
    const claimed: ClaimedTask = {
      task_id: task.id,
      params: task.params,
      task_type: task.taskType,
      project_id: task.projectId,
    };
    return c.json(claimed);
  });
}
