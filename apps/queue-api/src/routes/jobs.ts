/**
 * A caller's jobs: one (`GET /v1/jobs/:id`, with queue position and ETA while it waits), a page
 * (`GET /v1/jobs`, filtered by status and project, keyset cursor), and cancellation
 * (`POST /v1/jobs/:id/cancel`: credits refunded, a waiting job leaves the queue, a running one is
 * told to stop wherever it runs). Users see their own jobs; the service role sees everyone's.
 * Someone else's job answers 404, as a missing one does.
 */
import { getPrincipal, type Principal } from '@gpuq/auth';
import { cancelTask, getTask, isTaskCursor, listTasks, type Task } from '@gpuq/db';
import { HttpError, parseQuery } from '@gpuq/http';
import { JobStatus, taskStatusOf } from '@gpuq/job-types';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiHonoEnv } from '../hono-env.js';
import { stopJob } from '../jobs/stop-job.js';
import type { ApiServices } from '../services.js';

const JobId = z.uuid();
/** `GET /v1/jobs` query (also documented in /openapi.json). */
export const JobListQuery = z.object({
  status: JobStatus.optional(),
  projectId: z.uuid().optional(),
  cursor: z.string().max(200).refine(isTaskCursor, 'must be the nextCursor of an earlier page').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export function scopeOf(principal: Principal): string | null {
  return principal.kind === 'service' ? null : principal.userId;
}

async function ownTask(services: ApiServices, principal: Principal, id: string): Promise<Task> {
  if (!JobId.safeParse(id).success)
    throw new HttpError(400, 'invalid_request', 'id: must be a UUID', { field: 'id' });
  const task = await getTask(services.db, { taskId: id, userId: scopeOf(principal) });
  if (!task) throw new HttpError(404, 'not_found', `no job ${id}`);
  return task;
}

export function jobRoutes(services: ApiServices): Hono<ApiHonoEnv> {
  const app = new Hono<ApiHonoEnv>();

  app.get('/v1/jobs/:id', async (c) => {
    const task = await ownTask(services, getPrincipal(c), c.req.param('id'));
    return c.json({ job: await services.present(task) });
  });

  app.get('/v1/jobs', async (c) => {
    const query = parseQuery(c, JobListQuery);
    const page = await listTasks(services.db, {
      userId: scopeOf(getPrincipal(c)),
      status: query.status ? taskStatusOf(query.status) : null,
      projectId: query.projectId ?? null,
      cursor: query.cursor ?? null,
      limit: query.limit,
    });
    return c.json({
      jobs: await Promise.all(page.tasks.map((task) => services.present(task))),
      nextCursor: page.nextCursor,
    });
  });

  app.post('/v1/jobs/:id/cancel', async (c) => {
    const principal = getPrincipal(c);
    const task = await ownTask(services, principal, c.req.param('id'));
    const cancelled = await cancelTask(services.db, {
      taskId: task.id,
      userId: scopeOf(principal),
      reason: 'cancelled by the user',
    });
    try {
      await stopJob(services, task);
    } catch (error) {
      // The task is Cancelled and refunded either way; a worker that still runs it is refused at its next callback.
      services.logger.warn(
        { jobId: task.id, err: (error as Error).message },
        'could not reach the queue to stop the job',
      );
    }
    services.metrics.jobOutcomes.inc({ job_type: task.taskType, outcome: 'cancelled' });
    return c.json({ job: await services.present(cancelled) });
  });

  return app;
}
