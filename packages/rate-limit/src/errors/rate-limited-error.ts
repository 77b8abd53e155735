/**
 * A caller over its limit: HTTP 429 with `Retry-After`. The app maps it to the project's error
 * body in its one onError (this package does not depend on the web framework).
 */
import type { ApiErrorBody } from '@gpuq/job-types';
import { type RateLimitDecision, rateLimitHeaders, retryAfterSeconds } from '../rate-limit-decision.js';

export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly status = 429 as const;
  readonly code = 'rate_limited' as const;
  readonly decision: RateLimitDecision;

  constructor(decision: RateLimitDecision) {
    super(
      `rate limit of ${decision.limit} requests per window reached; retry in ${retryAfterSeconds(decision)} s`,
    );
    this.decision = decision;
  }

  /** `Retry-After` and the RateLimit-* headers for the 429 answer. */
  headers(): Record<string, string> {
    return rateLimitHeaders(this.decision);
  }

  toBody(): ApiErrorBody {
    return { error: { code: this.code, message: this.message } };
  }

  /** The whole 429 answer, for an onError that maps errors to responses. */
  getResponse(): Response {
    return new Response(JSON.stringify(this.toBody()), {
      status: this.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...this.headers() },
    });
  }
}
