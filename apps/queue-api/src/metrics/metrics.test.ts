import { randomUUID } from 'node:crypto';
import { createLogger } from '@gpuq/logger';
import { createRedis, JobQueues, whenReady } from '@gpuq/queue';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { videoJobData } from '../../test/fixtures/video-job-data.js';
import { createApp } from '../app.js';
import { ApiMetrics } from './metrics.js';

describe('/metrics', () => {
  const redis = createRedis({ url: TEST_REDIS_URL, role: 'producer' });
  const queues = new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('metrics') });
  const metrics = new ApiMetrics({
    queues,
    backlogSeconds: async () => ({ sdxl_queue: 12, wan_queue: 560 }),
  });
  const app = createApp({
    logger: createLogger({ name: 'metrics-test', level: 'silent' }),
    corsOrigins: [],
    bodyLimitBytes: 65_536,
    probes: [],
    metrics,
    routes: [new Hono().get('/v1/jobs/:id', (c) => c.json({ id: c.req.param('id') }))],
  });

  beforeAll(async () => {
    await whenReady(redis);
    for (let i = 0; i < 3; i += 1) {
      await queues.enqueue('wan_queue', videoJobData(randomUUID()));
    }
  });
  afterAll(async () => {
    for (const queue of queues.all()) await queue.obliterate({ force: true });
    await queues.close();
    redis.disconnect();
  });

  it('reports queue depth per queue and state, backlog seconds, and request latency by route', async () => {
    await app.request(`/v1/jobs/${randomUUID()}`);
    metrics.jobOutcomes.inc({ job_type: 'video_fast', outcome: 'completed' });
    const response = await app.request('/metrics');
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/gpuq_queue_jobs\{queue="wan_queue",state="waiting"\} 3/);
    expect(text).toMatch(/gpuq_queue_jobs\{queue="sdxl_queue",state="waiting"\} 0/);
    expect(text).toMatch(/gpuq_backlog_gpu_seconds\{queue="wan_queue"\} 560/);
    expect(text).toMatch(/gpuq_jobs_total\{job_type="video_fast",outcome="completed"\} 1/);
    expect(text).toMatch(
      /gpuq_http_request_duration_seconds_count\{method="GET",route="\/v1\/jobs\/:id",status="200"\} 1/,
    );
  });
});
