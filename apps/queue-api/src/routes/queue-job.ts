/**
 * `POST /functions/v1/queue-job` (docs/ARCHITECTURE.md, "queue-job, end to end") and `POST /functions/v1/calculate-task-cost`,
 * which prices the same body without queuing it, or a create-task body (`{ task_type, params }`).
 */
import { getPrincipal, getUser } from '@gpuq/auth';
import { HttpError, readJsonText, validateOr400 } from '@gpuq/http';
import {
  creditCost,
  ignoredMetadataKeys,
  JOB_CATALOG,
  QueueJobRequest,
  type QueueJobResponse,
} from '@gpuq/job-types';
import { TaskTypeCostRequest, taskTypeCost } from '@gpuq/task-protocol';
import { Hono } from 'hono';
import type { ApiHonoEnv } from '../hono-env.js';
import { QueueLengthCache } from '../jobs/queue-length-cache.js';
import { submitJob } from '../jobs/submit-job.js';
import type { ApiServices } from '../services.js';
import { namesTask, taskCost } from './task-cost-by-id.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

const isTaskTypeCostBody = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && !Array.isArray(body) && 'task_type' in body;

export function queueJobRoutes(services: ApiServices): Hono<ApiHonoEnv> {
  const app = new Hono<ApiHonoEnv>();
  const queueLengths = new QueueLengthCache({ queues: services.queues });

  app.post('/functions/v1/queue-job', async (c) => {
    const user = getUser(c);
    const { raw, body } = await readJsonText(c);
    const request = validateOr400(QueueJobRequest, body);
    const idempotencyKey = c.req.header('idempotency-key');
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new HttpError(400, 'invalid_request', 'Idempotency-Key must be 1-200 visible ASCII characters');
    }
    c.set('userId', user.userId);
    const result = await submitJob(services, { userId: user.userId, request, rawBody: raw, idempotencyKey });
    c.set('jobId', result.task.id);
    if (result.created) services.metrics.jobOutcomes.inc({ job_type: request.jobType, outcome: 'queued' });
    const spec = JOB_CATALOG[request.jobType];
    // The place in line is read while the job is being added, saving a Redis round trip: read
    // first, the job is not in line yet and is shown last (queue-position.ts); read after, it is.
    const [enqueued, job, queueLength] = await Promise.all([
      result.enqueued,
      services.present(result.task),
      queueLengths.length(spec.queue),
    ]);
    const body200: QueueJobResponse = {
      success: true,
      job,
      message: !result.created
        ? 'Job already queued for this Idempotency-Key'
        : enqueued
          ? 'Job queued'
          : 'Job accepted; it will be queued as soon as the queue is reachable',
      queueLength,
      modelVariant: spec.modelVariant,
      debug: {
        userId: user.userId,
        hasPrompt: Boolean(request.metadata?.prompt),
        redisConfigured: enqueued,
        timestamp: new Date().toISOString(),
        ignored: ignoredMetadataKeys(request),
      },
    };
    return c.json(body200, enqueued ? 200 : 202);
  });

  app.post('/functions/v1/calculate-task-cost', async (c) => {
    const { body } = await readJsonText(c);
    if (namesTask(body)) return c.json(await taskCost(services.db, getPrincipal(c), body));
    getUser(c);
    // `{ task_type, params }`: a create-task body, registered (task_types) types included.
    if (isTaskTypeCostBody(body))
      return c.json(await taskTypeCost(services.db, validateOr400(TaskTypeCostRequest, body)));
    const request = validateOr400(QueueJobRequest, body);
    return c.json({ jobType: request.jobType, credits: creditCost(request) });
  });

  return app;
}
