/**
 * `GET /v1/events`: server-sent events (`event: job`, `data: JobRecord`) for the caller's jobs, or
 * everyone's for the service role. A browser's EventSource cannot send headers, so this route also
 * takes `?access_token=` (mounted with that allowance by the app).
 */
import { getPrincipal } from '@gpuq/auth';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ApiHonoEnv } from '../hono-env.js';
import type { ApiServices } from '../services.js';
import { scopeOf } from './jobs.js';

const KEEPALIVE_MS = 15_000;

export function eventRoutes(services: ApiServices): Hono<ApiHonoEnv> {
  const app = new Hono<ApiHonoEnv>();
  app.get('/v1/events', (c) => {
    const scope = scopeOf(getPrincipal(c));
    return streamSSE(c, async (stream) => {
      let id = 0;
      const unsubscribe = services.events.subscribe(({ userId, job }) => {
        if (scope !== null && userId !== scope) return;
        id += 1;
        void stream.writeSSE({ event: 'job', data: JSON.stringify(job), id: String(id) });
      });
      stream.onAbort(unsubscribe);
      // A comment line keeps proxies from closing an idle stream.
      await stream.write(': connected\n\n');
      while (!stream.aborted && !stream.closed) {
        await stream.sleep(KEEPALIVE_MS);
        if (!stream.aborted) await stream.write(': keepalive\n\n');
      }
      unsubscribe();
    });
  });
  return app;
}
