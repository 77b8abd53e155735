import { createLogger } from '@gpuq/logger';
import { createRedis, whenReady } from '@gpuq/queue';
import { TEST_REDIS_URL } from '@gpuq/testing';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { redisProbe } from './routes/health.js';

const logger = createLogger({ name: 'queue-api-test', level: 'silent' });

describe('queue-api app shell', () => {
  const redis = createRedis({ url: TEST_REDIS_URL, role: 'producer' });
  beforeAll(() => whenReady(redis));
  afterAll(() => redis.disconnect());
  const echo = new Hono().post('/echo', async (c) => c.json({ size: (await c.req.text()).length }));
  const app = createApp({
    logger,
    corsOrigins: ['https://app.example'],
    bodyLimitBytes: 1024,
    probes: [redisProbe(redis)],
    routes: [echo],
  });

  it('answers /healthz and reports Redis in /readyz', async () => {
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.request('/readyz');
    const body = (await ready.json()) as { checks: { redis: { ok: boolean; error?: string } } };
    // The machine's Redis may or may not run with noeviction; readiness must say which.
    expect(ready.status).toBe(body.checks.redis.ok ? 200 : 503);
    if (!body.checks.redis.ok) expect(body.checks.redis.error).toMatch(/noeviction/);
  });

  it('reports not ready when a dependency is down', async () => {
    const down = createApp({
      logger,
      corsOrigins: [],
      bodyLimitBytes: 1024,
      probes: [{ name: 'postgres', check: async () => Promise.reject(new Error('connection refused')) }],
    });
    const response = await down.request('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      checks: { postgres: { ok: false, error: 'connection refused' } },
    });
  });

  it('refuses bodies over the limit with 413 and a JSON error', async () => {
    const response = await app.request('/echo', { method: 'POST', body: 'x'.repeat(2048) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect((await app.request('/echo', { method: 'POST', body: 'small' })).status).toBe(200);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await app.request('/nope');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('answers the browser preflight for configured origins only', async () => {
    const preflight = (origin: string) =>
      app.request('/functions/v1/queue-job', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type,apikey,x-client-info',
        },
      });
    const allowed = await preflight('https://app.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    const denied = await preflight('https://evil.example');
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves an OpenAPI document whose references all resolve, and a docs page', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    const refs = [...JSON.stringify(document).matchAll(/"#\/components\/schemas\/([A-Za-z]+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(10);
    for (const id of refs) expect(document.components.schemas, id).toHaveProperty(id);
    const docs = await app.request('/docs');
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(await docs.text()).toContain('/functions/v1/queue-job');
  });

  it('tags every response with a request id', async () => {
    expect((await app.request('/healthz')).headers.get('x-request-id')).toBeTruthy();
  });
});
