import { expect, it } from 'vitest';
import { slidingRetryAfterMs } from './sliding-retry.js';

const base = { limit: 4, windowMs: 1_000 };
const estimate = (previous: number, current: number, elapsedMs: number) =>
  (previous * (base.windowMs - elapsedMs)) / base.windowMs + current;

it('waits inside the window while the previous window still weighs too much', () => {
  const wait = slidingRetryAfterMs({ ...base, previous: 4, current: 1, elapsedMs: 100 });
  expect(wait).toBe(151);
  expect(estimate(4, 1, 100 + wait)).toBeLessThan(4);
  expect(estimate(4, 1, 100 + wait - 1)).toBeGreaterThanOrEqual(4);
});

it('waits into the next window when the current one alone is full', () => {
  expect(slidingRetryAfterMs({ ...base, previous: 0, current: 4, elapsedMs: 300 })).toBe(701);
  // 8 hits this window (a lower limit since): next window needs 8 × (1 − t) < 4, t > 500 ms.
  expect(slidingRetryAfterMs({ ...base, previous: 0, current: 8, elapsedMs: 300 })).toBe(700 + 501);
});

it('never answers a negative wait', () => {
  expect(slidingRetryAfterMs({ ...base, previous: 0, current: 0, elapsedMs: 10 })).toBe(0);
});
