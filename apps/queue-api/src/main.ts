/** Starts queue-api with the settings of its environment (docs/CONFIGURATION.md). */
import { ConfigError } from '@gpuq/config';
import { createLogger } from '@gpuq/logger';
import { evictionPolicy } from '@gpuq/queue';
import { serve } from '@hono/node-server';
import { startApiBackground } from './background.js';
import { buildApp } from './build-app.js';
import { loadApiEnv } from './env.js';
import { openServices } from './services.js';

async function main(): Promise<void> {
  const env = loadApiEnv(process.env);
  const logger = createLogger({ name: 'queue-api', level: env.LOG_LEVEL });
  for (const [name, secret] of Object.entries(env.secrets)) {
    if (secret.generated)
      logger.warn({ setting: name }, 'secret not set: generated a development value for this run');
  }
  const services = await openServices(env, logger);
  evictionPolicy(services.redis)
    .then((policy) => {
      if (policy !== 'noeviction') {
        logger.error(
          { policy },
          'REDIS maxmemory-policy is not noeviction: BullMQ may lose jobs; /readyz reports not ready',
        );
      }
    })
    .catch(() => logger.warn('could not read the Redis eviction policy at start-up'));

  const app = buildApp(services);
  const background = await startApiBackground(services);
  const server = serve({ fetch: app.fetch, port: env.PORT }, (info) => {
    logger.info(
      { port: info.port, database: services.db.kind, storage: services.storage.kind },
      'queue-api listening',
    );
  });
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    void background.stop();
    server.close(() => {
      void services.close().finally(() => process.exit(0));
    });
    // Open event streams keep connections alive; do not wait on them forever.
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
