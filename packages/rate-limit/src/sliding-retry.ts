/**
 * When a refused sliding-window caller may try again: the first instant at which
 * previous * (window - elapsed) / window + current < limit, given the counts the script saw.
 * If the current window alone is full, the wait runs into the next window, where today's count
 * becomes the weighted "previous".
 */
export interface SlidingCounts {
  previous: number;
  current: number;
  limit: number;
  windowMs: number;
  elapsedMs: number;
}

export function slidingRetryAfterMs({
  previous,
  current,
  limit,
  windowMs,
  elapsedMs,
}: SlidingCounts): number {
  if (current < limit) {
    if (previous <= 0) return 0;
    // Need previous * (window - t) / window < limit - current.
    const t = windowMs * (1 - (limit - current) / previous);
    return Math.max(0, Math.floor(t - elapsedMs) + 1);
  }
  // Next window: current becomes previous, and nothing is counted yet.
  const t = windowMs * (1 - limit / current);
  return windowMs - elapsedMs + Math.floor(t) + 1;
}
