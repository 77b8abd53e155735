/**
 * A caller over its limit: HTTP 429 with `Retry-After`. The app maps it to the project's error
 * body in its one onError (this package does not depend on the web framework).
 */
import type { RateLimitDecision } from '../rate-limit-decision.js';
import { rateLimitHeaders } from '../rate-limit-decision.js';

export class RateLimitedError extends Error {
  override readonly name = 'RateLimitedError';
  readonly status = 429 as const;
  readonly code = 'rate_limited' as const;
  readonly decision: RateLimitDecision;

  constructor(decision: RateLimitDecision) {
    super(
      `rate limit of ${decision.limit} requests per window reached; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
    );
    this.decision = decision;
  }

  /** `Retry-After` and the RateLimit-* headers for the 429 answer. */
  headers(): Record<string, string> {
    return rateLimitHeaders(this.decision);
  }
}
