/** The one exception type routes throw; `app.onError` maps it to `{ error: { code, message, field? } }`. */
import type { ApiErrorBody, ApiErrorCode } from '@gpuq/job-types';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export class HttpError extends Error {
  override readonly name = 'HttpError';

  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ApiErrorCode,
    message: string,
    readonly options: { field?: string; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
  }

  get body(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.options.field ? { field: this.options.field } : {}),
      },
    };
  }
}
