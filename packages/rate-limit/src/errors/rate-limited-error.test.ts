import { ApiErrorBody } from '@gpuq/job-types';
import { expect, it } from 'vitest';
import { rateLimitHeaders } from '../rate-limit-decision.js';
import { RateLimitedError } from './rate-limited-error.js';

const refused = {
  allowed: false,
  limit: 60,
  remaining: 0,
  retryAfterMs: 1_200,
  resetMs: 30_000,
  degraded: false,
};

it('answers 429 with the error body, Retry-After in whole seconds and the RateLimit headers', async () => {
  const res = new RateLimitedError(refused).getResponse();
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('2');
  expect(res.headers.get('ratelimit-limit')).toBe('60');
  expect(res.headers.get('ratelimit-remaining')).toBe('0');
  expect(res.headers.get('ratelimit-reset')).toBe('30');
  expect(ApiErrorBody.parse(await res.json()).error.code).toBe('rate_limited');
});

it('sends no limit headers for a degraded (fail-open) decision, and never Retry-After: 0', () => {
  expect(rateLimitHeaders({ ...refused, allowed: true, degraded: true })).toEqual({});
  expect(rateLimitHeaders({ ...refused, retryAfterMs: 1 })['retry-after']).toBe('1');
});
