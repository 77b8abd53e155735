/**
 * A real queue-api for tests: its own Postgres database, a unique BullMQ prefix on the real Redis
 * (or a private redis-server), real storage in a temp dir, served over HTTP on a free port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevJwt } from '@gpuq/auth';
import { createLogger, type Logger } from '@gpuq/logger';
import {
  createTestDatabase,
  type DatabaseAccess,
  databaseAccess,
  freePort,
  type PrivatePgbouncer,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueQueuePrefix,
} from '@gpuq/testing';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { startApiBackground } from '../src/background.js';
import { buildApp } from '../src/build-app.js';
import { type ApiEnv, loadApiEnv } from '../src/env.js';
import { type ApiServices, openServices } from '../src/services.js';

export const SECRETS = {
  SUPABASE_JWT_SECRET: 'jwt-secret-for-tests-0123456789abcdef',
  SUPABASE_SERVICE_ROLE_KEY: 'service-role-key-for-tests-0123456789',
  CALLBACK_SECRET: 'callback-secret-for-tests-0123456789',
};

export interface ApiHarness {
  url: string;
  env: ApiEnv;
  services: ApiServices;
  app: Hono;
  token(userId: string, options?: { expiresIn?: number | string; role?: string }): Promise<string>;
  request(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  /** Settings for a worker process that serves this api (same Redis prefix, storage, callback URL). */
  workerEnv(workerId: string, extra?: Record<string, string>): Record<string, string>;
  /** Stops the api as a process exit would (server and connections), waits, and starts it again. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

export interface StartApiOptions {
  /** Also run the api's background loops (reconciler, stale-claim reaper, dependency dispatcher). */
  background?: boolean;
  /** Where the api logs; default silent. */
  logger?: Logger;
  /**
   * Reach Postgres through this transaction pooler (DATABASE_POOL_MODE=transaction), with the
   * direct URL for LISTEN and the leader lock.
   */
  pooler?: PrivatePgbouncer;
}

/** Sends requests to the api at `url`: `token` as a bearer, `json` as the body (POST unless told). */
export function requestTo(url: string): ApiHarness['request'] {
  return (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (init.token) headers.set('authorization', `Bearer ${init.token}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return fetch(`${url}${path}`, { ...init, headers, body, method: init.method ?? (body ? 'POST' : 'GET') });
  };
}

/** `overrides` are settings; `DATABASE_URL_VIA_PROXY: <port>` routes Postgres through a test proxy. */
export async function startApi(
  overrides: Record<string, string> = {},
  options: StartApiOptions = {},
): Promise<ApiHarness> {
  const database: TestDatabase = await createTestDatabase('api');
  const dataDir = mkdtempSync(join(tmpdir(), 'gpuq-api-'));
  const { DATABASE_URL_VIA_PROXY: proxyPort, ...settings } = overrides;
  // A test may pick the port, to name this server in settings (STORAGE_PUBLIC_URL) beforehand.
  const port = settings.PORT ? Number(settings.PORT) : await freePort();
  const databaseUrl = new URL(database.url);
  if (proxyPort) databaseUrl.port = proxyPort;
  // The test's pooler; else, under TEST_DATABASE_POOLER, one of the api's own (not behind a proxy).
  const access: DatabaseAccess = options.pooler
    ? {
        url: options.pooler.through(database.url),
        directUrl: database.url,
        poolMode: 'transaction',
        stop: async () => {},
      }
    : proxyPort
      ? { url: databaseUrl.toString(), poolMode: 'session', stop: async () => {} }
      : await databaseAccess(database.url);
  // A test on a Cluster or Sentinel gives their settings instead of REDIS_URL.
  const topologyGiven = Boolean(settings.REDIS_CLUSTER_NODES || settings.REDIS_SENTINELS);
  const given: Record<string, string> = {
    ...SECRETS,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    PORT: String(port),
    DATABASE_URL: access.url,
    ...(access.directUrl
      ? { DATABASE_DIRECT_URL: access.directUrl, DATABASE_POOL_MODE: access.poolMode }
      : {}),
    ...(topologyGiven ? {} : { REDIS_URL: TEST_REDIS_URL }),
    QUEUE_PREFIX: uniqueQueuePrefix('api'),
    GPUQ_DATA_DIR: dataDir,
    CORS_ORIGINS: 'https://app.example',
    ...settings,
  };
  const env = loadApiEnv(given);
  // Workers connect to the same Redis, whichever topology the api was given.
  const redisSettings = Object.fromEntries(
    Object.entries(given).filter(([name]) => name.startsWith('REDIS_')),
  );
  const logger = options.logger ?? createLogger({ name: 'api-test', level: 'silent' });
  const listen = (app: Hono): Promise<ServerType> =>
    new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => resolve(started));
    });
  let services = await openServices(env, logger);
  const startBackground = async () => (options.background ? startApiBackground(services) : null);
  let background = await startBackground();
  let app = buildApp(services);
  let server = await listen(app);
  const url = `http://127.0.0.1:${port}`;
  const harness: ApiHarness = {
    url,
    env,
    services,
    app,
    token: (userId, options = {}) =>
      signDevJwt({
        secret: SECRETS.SUPABASE_JWT_SECRET,
        userId,
        expiresIn: options.expiresIn,
        role: options.role,
      }),
    request: requestTo(url),
    workerEnv(workerId, extra = {}) {
      return {
        ...redisSettings,
        QUEUE_PREFIX: env.QUEUE_PREFIX,
        CALLBACK_URL: `${url}/functions/v1/job-callback`,
        GPUQ_DATA_DIR: env.GPUQ_DATA_DIR,
        GPUQ_DEVICE: 'cpu',
        WORKER_ID: workerId,
        ...extra,
      };
    },
    async restart(downMs) {
      await new Promise((resolve) => {
        server.close(resolve);
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await background?.stop();
      await services.close();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      services = await openServices(env, logger);
      background = await startBackground();
      app = buildApp(services);
      server = await listen(app);
      harness.services = services;
      harness.app = app;
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await background?.stop();
      for (const queue of services.queues.all()) await queue.obliterate({ force: true }).catch(() => {});
      await services.close();
      await database.drop();
      await access.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
