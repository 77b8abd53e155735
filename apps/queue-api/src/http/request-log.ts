import type { Logger } from '@gpuq/logger';
import type { MiddlewareHandler } from 'hono';

/** One structured line per request, with its id and, once known, the user and job. */
export function requestLog(logger: Logger): MiddlewareHandler {
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    const vars = c.var as Record<string, unknown>;
    logger.info(
      {
        requestId: vars.requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        userId: vars.userId,
        jobId: vars.jobId,
      },
      'request',
    );
  };
}
