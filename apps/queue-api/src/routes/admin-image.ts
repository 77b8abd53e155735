/**
 * `POST /functions/v1/generate-admin-image`: admins only, checked before the
 * body is read. Queues a real SDXL job first in line and free of charge, then waits for it (on
 * the task status broadcast, not by polling) up to ADMIN_IMAGE_WAIT_S: 200 with the image in the
 * seed's shape once it completes, else 202 with the job to follow.
 */
import { getUser, requireAdmin } from '@gpuq/auth';
import { getTask, listenTaskStatus } from '@gpuq/db';
import { HttpError, parseJsonBody, validateOr400 } from '@gpuq/http';
import { AdminImageRequest, type JobRecord, QueueJobRequest } from '@gpuq/job-types';
import { Hono } from 'hono';
import type { ApiHonoEnv } from '../hono-env.js';
import { submitJob } from '../jobs/submit-job.js';
import type { ApiServices } from '../services.js';

async function waitForFinish(services: ApiServices, taskId: string, timeoutMs: number): Promise<void> {
  let stop: (() => Promise<void>) | undefined;
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const check = async () => {
        const task = await getTask(services.db, { taskId });
        if (task && task.status !== 'Queued' && task.status !== 'In Progress') done();
      };
      void listenTaskStatus(
        services.db,
        (event) => {
          if (event.taskId === taskId && ['Complete', 'Failed', 'Cancelled'].includes(event.status)) done();
        },
        // A notification missed while the listener reconnected: look again.
        { onRestored: () => void check().catch(() => undefined) },
      ).then(async (unlisten) => {
        stop = unlisten;
        // It may have finished before the listener was in place.
        await check();
      });
    });
  } finally {
    await stop?.();
  }
}

export function adminImageRoutes(services: ApiServices): Hono<ApiHonoEnv> {
  const app = new Hono<ApiHonoEnv>();
  // The image belongs to the admin who asked, so the service role (no user) is not enough here.
  app.post(
    '/functions/v1/generate-admin-image',
    requireAdmin({ isAdmin: services.isAdmin, allowService: false }),
    async (c) => {
      const user = getUser(c);
      const body = await parseJsonBody(c, AdminImageRequest);
      // The metadata is checked as queue-job checks it, and named as the admin sent it.
      const request = validateOr400(QueueJobRequest, {
        jobType: body.mode === 'high' ? 'sdxl_image_high' : 'sdxl_image_fast',
        metadata: { ...body.metadata, prompt: body.prompt },
      });
      const { task, enqueued } = await submitJob(services, {
        userId: user.userId,
        request,
        rawBody: JSON.stringify(body),
        privileged: true,
      });
      await enqueued;
      await waitForFinish(services, task.id, services.env.ADMIN_IMAGE_WAIT_S * 1000);
      const finished = (await getTask(services.db, { taskId: task.id })) ?? task;
      const job: JobRecord = await services.present(finished);
      if (job.status === 'failed' || job.status === 'cancelled') {
        throw new HttpError(
          502,
          'internal',
          `the admin image job ${job.status}: ${job.error ?? 'no reason given'}`,
        );
      }
      if (job.status !== 'completed') return c.json({ success: true, job }, 202);
      const url = job.outputs.find((output) => output.kind === 'image')?.url ?? null;
      return c.json({
        success: true,
        image: {
          id: job.id,
          url,
          thumbnail_url: url,
          prompt: body.prompt,
          mode: body.mode,
          timestamp: job.finishedAt,
          metadata: { ...body.metadata, jobType: request.jobType, seed: finished.params.seed },
        },
      });
    },
  );
  return app;
}
