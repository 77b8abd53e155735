/**
 * A completed task's file or location that cannot be stored: wrong type, too large, outside the
 * owner's folder, or missing. Carries the HTTP status it answers with, so routes stay thin.
 */
import { HttpError } from '@gpuq/http';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class OutputRejectedError extends HttpError {
  constructor(
    status: ContentfulStatusCode,
    field: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    const code =
      status === 413
        ? 'payload_too_large'
        : status === 403
          ? 'forbidden'
          : status === 404
            ? 'not_found'
            : 'invalid_request';
    super(status, code, `${field}: ${message}`, { field, cause: options.cause });
  }
}
