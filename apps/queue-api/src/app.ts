/**
 * Builds the Hono app from its dependencies. No I/O happens here, so tests build the app with
 * real services of their own and call `app.request(...)` or serve it on a free port.
 */

import { errorHandler, requestDeadline } from '@gpuq/api-errors';
import { bodySizeLimit, HttpError, notFound, requestLog } from '@gpuq/http';
import type { Logger } from '@gpuq/logger';
import { Hono, type MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import type { ApiMetrics } from './metrics/metrics.js';
import { healthRoutes, type ReadinessProbe } from './routes/health.js';
import { openApiRoutes } from './routes/openapi.js';

export interface AppDeps {
  logger: Logger;
  corsOrigins: string[];
  bodyLimitBytes: number;
  /** Paths that apply a body limit of their own (complete-task takes base64 files). */
  bodyLimitExempt?: readonly string[];
  /** Path prefixes that stream their bodies under limits of their own (storage uploads). */
  bodyLimitExemptPrefixes?: readonly string[];
  probes: ReadinessProbe[];
  /** Each readiness check's time to answer. Default 2 000 ms. */
  readinessTimeoutMs?: number;
  /** Every request's deadline (database work included); none when unset. */
  requestDeadlineMs?: number;
  /** Paths that bound their own time: event streams, long waits, large transfers. */
  deadlineExempt?: (path: string) => boolean;
  metrics?: ApiMetrics;
  /** Middleware for path patterns, applied before any feature route (authentication). */
  beforeRoutes?: Array<[path: string, handler: MiddlewareHandler]>;
  /** Feature routes mounted at the root, in order (queue-job, jobs, task protocol, ...). */
  // biome-ignore lint/suspicious/noExplicitAny: feature apps declare their own context variables.
  routes?: Hono<any>[];
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError(errorHandler(deps.logger));
  app.notFound(notFound);
  app.use('*', requestId());
  app.use('*', requestLog(deps.logger));
  if (deps.requestDeadlineMs) {
    app.use(
      '*',
      requestDeadline({
        timeoutMs: deps.requestDeadlineMs,
        ...(deps.deadlineExempt ? { exempt: deps.deadlineExempt } : {}),
      }),
    );
  }
  if (deps.metrics) {
    const { metrics } = deps;
    app.use('*', metrics.middleware());
    app.get('/metrics', async (c) =>
      c.text(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType }),
    );
  }
  // Browser APIs only: operator pages are same-origin and must not be readable cross-site.
  const browserApi = cors({
    origin: deps.corsOrigins.includes('*') ? '*' : deps.corsOrigins,
    allowHeaders: [
      'authorization',
      'x-client-info',
      'apikey',
      'content-type',
      'idempotency-key',
      'x-region',
      // supabase-js table reads on /rest/v1: counts, ranges, schema; the count comes back in Content-Range.
      'prefer',
      'range',
      'range-unit',
      'accept-profile',
      'content-profile',
    ],
    exposeHeaders: ['content-range'],
    // PATCH: Reigh cancels a task with supabase-js `.update()` on /rest/v1/tasks.
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    maxAge: 600,
  });
  for (const path of ['/functions/*', '/v1/*', '/rest/*', '/storage/*']) app.use(path, browserApi);
  const limitBody = bodySizeLimit({
    maxBytes: deps.bodyLimitBytes,
    onTooLarge: () => {
      throw new HttpError(
        413,
        'payload_too_large',
        `request body is larger than ${deps.bodyLimitBytes} bytes`,
      );
    },
  });
  const exempt = (path: string) =>
    deps.bodyLimitExempt?.includes(path) || deps.bodyLimitExemptPrefixes?.some((p) => path.startsWith(p));
  app.use('*', (c, next) => (exempt(c.req.path) ? next() : limitBody(c, next)));
  for (const [path, handler] of deps.beforeRoutes ?? []) app.use(path, handler);
  app.route('/', healthRoutes(deps.probes, deps.readinessTimeoutMs));
  app.route('/', openApiRoutes());
  for (const routes of deps.routes ?? []) app.route('/', routes);
  return app;
}
