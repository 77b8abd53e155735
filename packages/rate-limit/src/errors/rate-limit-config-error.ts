/** The store settings do not make sense (one of the two Upstash variables without the other). */
export class RateLimitConfigError extends Error {
  override readonly name = 'RateLimitConfigError';
}
