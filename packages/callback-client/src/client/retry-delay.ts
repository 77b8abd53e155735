/**
 * Exponential backoff with full jitter: spreads a fleet's retries out after an outage instead of
 * having every worker hit the recovering service at the same instant.
 */
export interface BackoffOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

export function retryDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}
