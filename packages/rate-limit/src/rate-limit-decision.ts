/** The limiter's answer for one hit, and the response headers that tell a client about it. */

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  /** Hits left in the window after this one (0 when refused). */
  remaining: number;
  /** How long until a hit would be allowed; 0 when this one was. */
  retryAfterMs: number;
  /** How long until the window resets (the fixed window's expiry, the sliding window's end). */
  resetMs: number;
  /** True when the store could not be asked and the hit was let through (fail-open). */
  degraded: boolean;
}

/** Whole seconds for `Retry-After`, never 0 (a client reading 0 would retry at once). */
export function retryAfterSeconds(decision: RateLimitDecision): number {
  return Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
}

/** `RateLimit-Limit/Remaining/Reset` (IETF draft names), plus `Retry-After` when refused. */
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  if (decision.degraded) return {};
  const headers: Record<string, string> = {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(Math.max(0, Math.ceil(decision.resetMs / 1000))),
  };
  if (!decision.allowed) headers['retry-after'] = String(retryAfterSeconds(decision));
  return headers;
}
