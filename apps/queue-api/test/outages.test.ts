/**
 * queue-job while a backing service is down. Redis stopped after the commit: 202, never a hang,
 * and the reconciler enqueues every accepted task exactly once when Redis is back — on its own,
 * as soon as the connection is ready again, not at its next periodic pass. Postgres unreachable:
 * 503 with Retry-After, nothing committed.
 */
import { randomUUID } from 'node:crypto';
import { startPrivateRedis, startTcpProxy, TEST_DATABASE_URL } from '@gpuq/testing';
import { describe, expect, it } from 'vitest';
import { reconcileOnce, startReconciler } from '../src/jobs/reconciler.js';
import { startApi } from './api-harness.js';

describe('Redis down during queue-job', () => {
  it('answers 202 promptly and the reconciler enqueues each accepted task once Redis is back', async () => {
    const redis = await startPrivateRedis({ appendOnly: true });
    const api = await startApi({ REDIS_URL: redis.url });
    try {
      const token = await api.token(randomUUID());
      await redis.stop();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const started = Date.now();
        const response = await api.request('/functions/v1/queue-job', {
          token,
          json: { jobType: 'image_fast' },
        });
        expect(response.status).toBe(202);
        const body = (await response.json()) as {
          job: { id: string; status: string; queuePosition: number | null };
          debug: { redisConfigured: boolean };
        };
        expect(body.job.status).toBe('queued');
        // No queue to ask: Postgres counts the Queued tasks ahead instead.
        expect(body.job.queuePosition).toBe(i + 1);
        expect(body.debug.redisConfigured).toBe(false);
        ids.push(body.job.id);
        // Logged for the record; the suite's timeout is the bound that matters.
        console.warn(`queue-job answered in ${Date.now() - started} ms with Redis down`);
      }
      await redis.start();
      await expect.poll(() => api.services.redis.status, { timeout: 10_000 }).toBe('ready');
      // Pages of 2: one pass reads them all (2, 2, 1), not only the oldest page.
      const first = await reconcileOnce(api.services, 0, 2);
      expect(first).toEqual({ checked: 5, enqueued: 5 });
      const second = await reconcileOnce(api.services, 0, 2);
      expect(second).toEqual({ checked: 5, enqueued: 0 });
      const queue = api.services.queues.queue('wan_queue');
      for (const id of ids) expect((await queue.getJob(id))?.data.taskId).toBe(id);
      expect(await queue.count()).toBe(5);
      // Back in line, in the order they were accepted.
      const last = await api.request(`/v1/jobs/${ids[4]}`, { token });
      expect(await last.json()).toMatchObject({ job: { queuePosition: 5 } });
    } finally {
      await api.close().catch(() => {});
      await redis.destroy();
    }
  }, 60_000);

  it('enqueues the tasks accepted during the outage once Redis is back, without waiting for its next pass', async () => {
    const redis = await startPrivateRedis({ appendOnly: true });
    const api = await startApi({ REDIS_URL: redis.url });
    // Its periodic pass is an hour away: only the pass after the reconnect can enqueue them.
    const stop = startReconciler(api.services, { intervalMs: 3_600_000, graceSeconds: 1 });
    try {
      const token = await api.token(randomUUID());
      await redis.stop();
      const ids: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const response = await api.request('/functions/v1/queue-job', {
          token,
          json: { jobType: 'image_fast' },
        });
        expect(response.status).toBe(202);
        ids.push(((await response.json()) as { job: { id: string } }).job.id);
      }
      await redis.start();
      const queue = api.services.queues.queue('wan_queue');
      await expect
        .poll(async () => (await Promise.all(ids.map((id) => queue.getJob(id)))).filter(Boolean).length, {
          timeout: 20_000,
          interval: 250,
        })
        .toBe(3);
      expect(await queue.count()).toBe(3);
    } finally {
      stop();
      await api.close().catch(() => {});
      await redis.destroy();
    }
  }, 60_000);
});

describe('Postgres unreachable during queue-job', () => {
  it('answers 503 with Retry-After and commits nothing', async () => {
    const target = new URL(TEST_DATABASE_URL);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    // The harness makes the database; route the api's connections through the proxy.
    const api = await startApi({ DATABASE_URL_VIA_PROXY: String(proxy.port) });
    try {
      const token = await api.token(randomUUID());
      await proxy.cut();
      const response = await api.request('/functions/v1/queue-job', {
        token,
        json: { jobType: 'image_fast' },
      });
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBeTruthy();
      expect(await response.json()).toMatchObject({ error: { code: 'unavailable' } });
      await proxy.restore();
      const { rows } = await api.services.db.query<{ n: number }>(
        'select count(*)::int as n from public.tasks',
      );
      expect(rows[0]!.n).toBe(0);
    } finally {
      await proxy.close();
      await api.close().catch(() => {});
    }
  }, 60_000);
});
