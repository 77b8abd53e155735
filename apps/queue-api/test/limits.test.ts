/** Per-user limits on queue-job: the rate limit (over Redis, or Upstash's REST protocol) and the in-flight cap. */
import { randomUUID } from 'node:crypto';
import { QueueJobResponse } from '@gpuq/job-types';
import { startUpstashRestServer } from '@gpuq/rate-limit/testing';
import { TEST_REDIS_URL } from '@gpuq/testing';
import { describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from './api-harness.js';

async function burst(api: ApiHarness, count: number, jobType = 'sdxl_image_fast') {
  const token = await api.token(randomUUID());
  const statuses: number[] = [];
  let retryAfter: string | null = null;
  for (let i = 0; i < count; i += 1) {
    const response = await api.request('/functions/v1/queue-job', { token, json: { jobType } });
    statuses.push(response.status);
    if (response.status === 429) retryAfter = response.headers.get('retry-after');
  }
  return { statuses, retryAfter };
}

describe('queue-job limits', () => {
  it('answers 429 with Retry-After past RATE_LIMIT_PER_MIN', async () => {
    const api = await startApi({ RATE_LIMIT_PER_MIN: '3', MAX_JOBS_IN_FLIGHT: '100' });
    try {
      const { statuses, retryAfter } = await burst(api, 5);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await api.close();
    }
  });

  it('counts the rate limit over the Upstash REST protocol when configured', async () => {
    const upstash = await startUpstashRestServer({ redisUrl: TEST_REDIS_URL, token: 'upstash-test-token' });
    const api = await startApi({
      RATE_LIMIT_PER_MIN: '2',
      MAX_JOBS_IN_FLIGHT: '100',
      UPSTASH_REDIS_REST_URL: upstash.url,
      UPSTASH_REDIS_REST_TOKEN: 'upstash-test-token',
    });
    try {
      const { statuses } = await burst(api, 3);
      expect(statuses).toEqual([200, 200, 429]);
      expect(upstash.requests).toBeGreaterThanOrEqual(3);
    } finally {
      await api.close();
      await upstash.close();
    }
  });

  it('answers 429 past MAX_JOBS_IN_FLIGHT, counted in Postgres', async () => {
    const api = await startApi({ RATE_LIMIT_PER_MIN: '100', MAX_JOBS_IN_FLIGHT: '2' });
    try {
      const { statuses } = await burst(api, 3, 'image_fast');
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await api.close();
    }
  });

  it('answers a retry with its Idempotency-Key with the job already made, even at the cap', async () => {
    const api = await startApi({ RATE_LIMIT_PER_MIN: '100', MAX_JOBS_IN_FLIGHT: '1' });
    try {
      const token = await api.token(randomUUID());
      const submit = (key?: string) =>
        api.request('/functions/v1/queue-job', {
          token,
          json: { jobType: 'image_fast', metadata: { prompt: 'a lighthouse' } },
          headers: key ? { 'idempotency-key': key } : {},
        });
      const first = await submit('retry-after-timeout');
      expect(first.status).toBe(200);
      const firstId = QueueJobResponse.parse(await first.json()).job.id;
      // The user is now at the cap: the retry answers the same job; a new request is refused.
      const retry = await submit('retry-after-timeout');
      expect(retry.status).toBe(200);
      expect(QueueJobResponse.parse(await retry.json()).job.id).toBe(firstId);
      expect((await submit('another-job')).status).toBe(429);
      expect((await submit()).status).toBe(429);
    } finally {
      await api.close();
    }
  });
});
