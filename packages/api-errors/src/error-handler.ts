import { HttpError } from '@gpuq/http';
import type { Logger } from '@gpuq/logger';
import { RateLimitedError } from '@gpuq/rate-limit';
import type { ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { httpErrorFromDatabase, unavailableError } from './database-errors.js';

/** Maps every thrown error to the API's error body, once, for the whole app. */
export function errorHandler(logger: Logger): ErrorHandler {
  return function handleError(thrown, c) {
    const error = httpErrorFromDatabase(thrown) ?? thrown;
    if (error instanceof HttpError) {
      for (const [name, value] of Object.entries(error.options.headers ?? {})) c.header(name, value);
      return c.json(error.body, error.status);
    }
    if (error instanceof RateLimitedError) {
      return c.json(error.toBody(), 429, error.headers());
    }
    if (error instanceof HTTPException) {
      // Errors of our packages (auth, rate limit) render their own JSON body and headers.
      const response = error.getResponse();
      if (response.headers.get('content-type')?.includes('application/json')) return response;
      // Hono's own middleware (body limit, malformed JSON) throws plain ones.
      const code =
        error.status === 413
          ? 'payload_too_large'
          : error.status === 401
            ? 'unauthorized'
            : 'invalid_request';
      return c.json({ error: { code, message: error.message || 'request rejected' } }, error.status);
    }
    const unavailable = unavailableError(thrown);
    if (unavailable) {
      // Expected while a backing service is down: a warning with the reason, not a stack.
      logger.warn(
        { err: (thrown as Error).message, path: c.req.path, requestId: c.get('requestId' as never) },
        'answered 503: a backing service is unavailable',
      );
      return c.json(unavailable.body, unavailable.status, unavailable.options.headers);
    }
    logger.error({ err: error, path: c.req.path, requestId: c.get('requestId' as never) }, 'unhandled error');
    return c.json({ error: { code: 'internal', message: 'internal error' } }, 500);
  };
}
