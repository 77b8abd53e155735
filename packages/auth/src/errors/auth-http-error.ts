/**
 * The base of this package's errors: an HTTPException (so a Hono app answers it even without an
 * `onError`) whose response is the project's JSON error body, `{ error: { code, message } }`.
 */
import type { ApiErrorBody, ApiErrorCode } from '@gpuq/job-types';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export abstract class AuthHttpError extends HTTPException {
  abstract readonly code: ApiErrorCode;

  constructor(status: ContentfulStatusCode, message: string, options: { cause?: unknown } = {}) {
    super(status, { message, cause: options.cause });
  }

  /** Extra response headers (`WWW-Authenticate`, `Retry-After`). */
  headers(): Record<string, string> {
    return {};
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }

  // A fresh Response on every call: a body can be read only once, and onError may call this twice.
  override getResponse(): Response {
    return new Response(JSON.stringify(this.toBody()), {
      status: this.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...this.headers() },
    });
  }
}
