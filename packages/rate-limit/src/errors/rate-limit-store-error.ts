/** The store did not answer usably (down, too slow, or an unexpected reply); the limiter fails open on it. */
export class RateLimitStoreError extends Error {
  override readonly name = 'RateLimitStoreError';
}
