/** Starts queue-api with the settings of its environment (DESIGN.md section 8). */

import { ConfigError } from '@gpuq/config';
import { createLogger } from '@gpuq/logger';
import { createRedis, evictionPolicy } from '@gpuq/queue';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { loadApiEnv } from './env.js';
import { redisProbe } from './routes/health.js';

async function main(): Promise<void> {
  const env = loadApiEnv(process.env);
  const logger = createLogger({ name: 'queue-api', level: env.LOG_LEVEL });
  for (const [name, secret] of Object.entries(env.secrets)) {
    if (secret.generated)
      logger.warn({ setting: name }, 'secret not set: generated a development value for this run');
  }
  const redis = createRedis({ url: env.REDIS_URL, role: 'producer', name: 'queue-api' });
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  evictionPolicy(redis)
    .then((policy) => {
      if (policy !== 'noeviction') {
        logger.error(
          { policy },
          'REDIS maxmemory-policy is not noeviction: BullMQ may lose jobs; /readyz reports not ready',
        );
      }
    })
    .catch(() => logger.warn('could not read the Redis eviction policy at start-up'));

  const app = createApp({
    logger,
    corsOrigins: env.corsOrigins,
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    probes: [redisProbe(redis)],
  });
  const server = serve({ fetch: app.fetch, port: env.PORT }, (info) => {
    logger.info({ port: info.port }, 'queue-api listening');
  });
  const shutdown = () => {
    logger.info('shutting down');
    server.close(() => {
      redis.disconnect();
      process.exit(0);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
