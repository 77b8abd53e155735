/**
 * `/healthz` says the process is up; `/readyz` says it can serve: Redis answers with the
 * `noeviction` policy BullMQ needs, the database answers, and its LISTEN connection (job events,
 * the dependency dispatcher) is up. Each check has `timeoutMs` to answer: a server that holds the
 * connection without answering makes the check fail in time instead of hanging the probe.
 */
import { createDeadline, type Database, runWithDeadline } from '@gpuq/db';
import { evictionPolicy, type RedisClient } from '@gpuq/queue';
import { Hono } from 'hono';

export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
}

export function redisProbe(redis: RedisClient): ReadinessProbe {
  return {
    name: 'redis',
    async check() {
      const policy = await evictionPolicy(redis);
      if (policy !== 'noeviction') throw new Error(`maxmemory-policy is ${policy}; BullMQ needs noeviction`);
    },
  };
}

/** `select 1` through the pool, within the probe's time (checkout included). */
export function postgresProbe(db: Database, timeoutMs: number): ReadinessProbe {
  return {
    name: 'postgres',
    check: () =>
      runWithDeadline(createDeadline(timeoutMs), async () => {
        await db.query('select 1');
      }),
  };
}

/** The LISTEN connection: down means job events and dependency dispatch are not being heard. */
export function listenerProbe(db: Database): ReadinessProbe {
  return {
    name: 'postgres_listener',
    async check() {
      const status = db.listenerStatus();
      if (status.listening) return;
      throw new Error(
        `not listening for ${status.downSinceMs ?? 0} ms (${status.lastError ?? 'no error reported'}); reconnecting`,
      );
    },
  };
}

function withinTime(probe: ReadinessProbe, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([probe.check(), expired]).finally(() => clearTimeout(timer));
}

export function healthRoutes(probes: ReadinessProbe[], timeoutMs = 2_000): Hono {
  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const results = await Promise.all(
      probes.map(async (probe) => {
        try {
          await withinTime(probe, timeoutMs);
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
