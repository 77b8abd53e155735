/**
 * queue-api's full route table over its services: the shell (health, docs, metrics), the
 * job-callback service, storage, the authenticated API, and the operator pages.
 */
import { assertTokenScope, authMiddleware } from '@gpuq/auth';
import { CALLBACK_PATH, createCallbackApp } from '@gpuq/callback/server';
import { HttpError } from '@gpuq/http';
import {
  createPublicObjectRedirects,
  createStorageRoutes,
  LocalFileStorage,
  type PublicBuckets,
} from '@gpuq/storage';
import { COMPLETE_TASK_PATHS, taskProtocolRoutes } from '@gpuq/task-protocol';
import { Hono, type MiddlewareHandler } from 'hono';
import { adminRoutes } from './admin/admin-routes.js';
import { apiAreaOf } from './api-area.js';
import { createApp } from './app.js';
import type { ApiHonoEnv } from './hono-env.js';
import { stopJob } from './jobs/stop-job.js';
import { accountRoutes } from './routes/account.js';
import { adminImageRoutes } from './routes/admin-image.js';
import { eventRoutes } from './routes/events.js';
import { listenerProbe, postgresProbe, redisProbe } from './routes/health.js';
import { jobRoutes } from './routes/jobs.js';
import { queueJobRoutes } from './routes/queue-job.js';
import type { ApiServices } from './services.js';
import { storageUploadPolicy } from './storage/upload-policy.js';

export const STORAGE_PATH = '/storage/v1';

/**
 * Task-protocol outputs are public URLs, as the Headless worker and its frontend expect; the
 * worker's own URLs for its uploads name `image_uploads`, an alias of the task buckets.
 */
const TASK_OUTPUT_BUCKETS: PublicBuckets = {
  publicBuckets: ['single_image', 'travel'],
  publicBucketAliases: { image_uploads: ['travel', 'single_image'] },
};

export function buildApp(services: ApiServices, extraRoutes: Hono[] = []): Hono {
  const { env, logger, db } = services;
  const callback = createCallbackApp({
    db,
    callbackSecret: env.secrets.callbackSecret.value,
    logger,
    storageBaseUrls: [...new Set([env.publicUrl, env.storagePublicUrl])].map(
      (url) => `${url}${STORAGE_PATH}`,
    ),
    // Remote workers (WORKER_STORAGE=api) get signed URLs of this storage through the callback mount.
    storage: services.storage,
    // Workers read only the status from the answer: no queue position, ETA or URL signing here.
    onApplied: ({ task, changed }, payload) => {
      if (changed && payload.status !== 'processing') {
        services.metrics.jobOutcomes.inc({ job_type: task.taskType, outcome: payload.status });
      }
    },
  });
  const authenticate = authMiddleware({ authenticator: services.authenticator });
  const authenticateEvents = authMiddleware({ authenticator: services.authenticator, allowQueryToken: true });
  // Every API route but the callback and its storage routes (signed per job) and the event stream
  // (own allowance).
  const apiAuth: MiddlewareHandler<ApiHonoEnv> = (c, next) => {
    if (c.req.path === CALLBACK_PATH || c.req.path.startsWith(`${CALLBACK_PATH}/`)) return next();
    const authenticateThis = c.req.path === '/v1/events' ? authenticateEvents : authenticate;
    // The auth middleware declares only its own variables; ours extend them.
    return authenticateThis(c as unknown as Parameters<typeof authenticate>[0], async () => {
      // The request log names the caller on every authenticated line.
      const principal = c.var.principal;
      if (principal?.kind === 'user') c.set('userId', principal.userId);
      // A scoped token reaches only its part of the API (403 naming the scope otherwise).
      const area = apiAreaOf(c.req.path);
      if (principal && area) assertTokenScope(principal, area);
      await next();
    });
  };

  const routes: Hono[] = [callback];
  if (services.storage instanceof LocalFileStorage) {
    const storageRoutes = createStorageRoutes({
      storage: services.storage,
      secret: services.storageSecret,
      ...TASK_OUTPUT_BUCKETS,
      maxUploadBytes: env.STORAGE_MAX_OBJECT_BYTES,
      uploadPolicy: storageUploadPolicy(db, env.STORAGE_USER_QUOTA_BYTES),
      // On its own origin, storage answers only there (see docs/ARCHITECTURE.md, Storage origin).
      origin: separateStorageOrigin(env),
    });
    routes.push(mountAt(STORAGE_PATH, storageRoutes));
  } else {
    // Files live in Supabase Storage; URLs clients build on our origin redirect there.
    routes.push(
      mountAt(
        STORAGE_PATH,
        createPublicObjectRedirects({ storage: services.storage, ...TASK_OUTPUT_BUCKETS }),
      ),
    );
  }
  const app = createApp({
    logger,
    corsOrigins: env.corsOrigins,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    bodyLimitExempt: COMPLETE_TASK_PATHS.map((path) => `/functions/v1${path}`),
    // Signed uploads stream to disk under the per-object limit and the owner's quota.
    bodyLimitExemptPrefixes: [`${STORAGE_PATH}/object/upload/sign/`],
    probes: [redisProbe(services.redis), postgresProbe(db, env.READINESS_TIMEOUT_MS), listenerProbe(db)],
    readinessTimeoutMs: env.READINESS_TIMEOUT_MS,
    requestDeadlineMs: env.REQUEST_DEADLINE_MS,
    deadlineExempt: boundsItsOwnTime,
    metrics: services.metrics,
    beforeRoutes: [...storageHostGuard(env), ['/functions/v1/*', apiAuth], ['/v1/*', apiAuth]],
    routes: [
      ...routes,
      queueJobRoutes(services),
      jobRoutes(services),
      accountRoutes(services),
      eventRoutes(services),
      adminImageRoutes(services),
      taskProtocolRoutes({
        db,
        storage: services.storage,
        logger,
        authenticator: services.authenticator,
        enqueue: services.enqueueTask,
        limits: services.workLimits,
        // An owner's Failed / Cancelled stops the fleet's job as /v1/jobs/:id/cancel does.
        stopJob: (task) => stopJob(services, task),
        settings: services.protocolSettings,
      }),
      adminRoutes(services.queues, {
        sessions: services.adminSessions,
        throttle: services.adminAuthThrottle,
        basic:
          env.GPUQ_ADMIN_USER && env.GPUQ_ADMIN_PASSWORD
            ? { user: env.GPUQ_ADMIN_USER, password: env.GPUQ_ADMIN_PASSWORD }
            : undefined,
        adminFromBearer: services.adminFromToken,
      }),
      ...extraRoutes,
    ],
  });
  return app;
}

/** STORAGE_PUBLIC_URL's origin when it is not the api's own. */
function separateStorageOrigin(env: ApiServices['env']): string | undefined {
  const storage = new URL(env.storagePublicUrl).origin;
  return storage === new URL(env.publicUrl).origin ? undefined : storage;
}

/**
 * On a storage origin of its own, that host serves storage and nothing else: no api, no operator
 * pages (an admin never signs in there, so no session cookie lives beside stored files).
 */
function storageHostGuard(env: ApiServices['env']): Array<[string, MiddlewareHandler]> {
  const origin = separateStorageOrigin(env);
  if (!origin) return [];
  const host = new URL(origin).host;
  return [
    [
      '*',
      (c, next) => {
        if (new URL(c.req.url).host !== host || c.req.path.startsWith(`${STORAGE_PATH}/`)) return next();
        throw new HttpError(404, 'not_found', `only storage is served at ${origin}`);
      },
    ],
  ];
}

/**
 * Requests outside the request deadline (their statements still have the database's timeouts):
 * the event stream (open for hours), generate-admin-image (waits up to ADMIN_IMAGE_WAIT_S for its
 * image) and storage transfers (a video's bytes may take longer than any deadline).
 */
export function boundsItsOwnTime(path: string): boolean {
  return (
    path === '/v1/events' ||
    path === '/functions/v1/generate-admin-image' ||
    path.startsWith(`${STORAGE_PATH}/`)
  );
}

/** A feature app that expects its own base path, mounted there. */
function mountAt(path: string, sub: Hono): Hono {
  return new Hono().route(path, sub);
}
