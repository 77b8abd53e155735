/**
 * `/healthz` says the process is up; `/readyz` says it can serve: Redis answers with the
 * `noeviction` policy BullMQ needs, and the database answers.
 */
import { evictionPolicy } from '@gpuq/queue';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';

export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

export function redisProbe(redis: Redis): ReadinessProbe {
  return {
    name: 'redis',
    async check() {
      const policy = await evictionPolicy(redis);
      if (policy !== 'noeviction') throw new Error(`maxmemory-policy is ${policy}; BullMQ needs noeviction`);
    },
  };
}

export function healthRoutes(probes: ReadinessProbe[]): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      probes.map(async (probe) => {
        try {
          await probe.check();
          return [probe.name, { ok: true }] as const;
        } catch (error) {
          return [probe.name, { ok: false, error: (error as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, result]) => result.ok);
    return c.json({ status: ready ? 'ready' : 'not ready', checks }, ready ? 200 : 503);
  });
  return app;
}
