/**
 * The composition root: every long-lived service queue-api holds, built once from its settings.
 * Nothing else in the app constructs connections; routes receive what they use.
 */
import { join } from 'node:path';
import { type Authenticator, createAuthenticator } from '@gpuq/auth';
import { type Database, findApiTokenByHash, getProfile, migrate, openDatabase, type Task } from '@gpuq/db';
import type { Logger } from '@gpuq/logger';
import { createRedis, JobQueues, type RedisClient, whenReady } from '@gpuq/queue';
import { createRateLimitStore, FailureBackoff, RateLimiter } from '@gpuq/rate-limit';
import { createStorage, deriveStorageUrlSecret, type Storage } from '@gpuq/storage';
import type { TaskProtocolSettings, WorkLimits } from '@gpuq/task-protocol';
import { type AdminSessionStore, adminSessionStore } from './admin/admin-session-store.js';
import type { ApiEnv } from './env.js';
import { TaskEventHub } from './events/task-event-hub.js';
import { startDeadLetterWatcher } from './jobs/dead-letter-watcher.js';
import { taskEnqueuer } from './jobs/enqueue-task.js';
import { jobPresenter, type PresentJob } from './jobs/job-presenter.js';
import { queuePositionReader } from './jobs/queue-position.js';
import { backlogSeconds } from './metrics/backlog.js';
import { ApiMetrics } from './metrics/metrics.js';

export interface ApiServices {
  env: ApiEnv;
  logger: Logger;
  db: Database;
  redis: RedisClient;
  queues: JobQueues;
  storage: Storage;
  storageSecret: Uint8Array;
  authenticator: Authenticator;
  limiter: RateLimiter;
  /** The rate limit and in-flight cap of every route that creates work (queue-job, create-task). */
  workLimits: WorkLimits;
  metrics: ApiMetrics;
  present: PresentJob;
  events: TaskEventHub;
  /** Puts a runnable task on its fleet's queue (jobs/enqueue-task.ts). */
  enqueueTask(task: Task): Promise<void>;
  protocolSettings: TaskProtocolSettings;
  /** Whether the user's profile has the admin role. */
  isAdmin(userId: string): Promise<boolean>;
  /** The user's id when the token is an admin's (or 'service' for the service role), else null. */
  adminFromToken(token: string): Promise<string | null>;
  /** Operator sign-ins to the admin pages (Postgres rows, role re-checked per request). */
  adminSessions: AdminSessionStore;
  /** Failed basic-auth attempts on the admin pages, per client address. */
  adminAuthThrottle: FailureBackoff;
  close(): Promise<void>;
}

export async function openServices(env: ApiEnv, logger: Logger): Promise<ApiServices> {
  const db = await openDatabase({
    url: env.DATABASE_URL,
    directUrl: env.DATABASE_DIRECT_URL,
    poolMode: env.DATABASE_POOL_MODE,
    dataDir: env.GPUQ_DATA_DIR,
    poolSize: env.DB_POOL_SIZE,
    logger,
    timeouts: {
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      ...(env.DB_QUERY_TIMEOUT_MS ? { queryTimeoutMs: env.DB_QUERY_TIMEOUT_MS } : {}),
      idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      listenerHeartbeatMs: env.DB_LISTENER_HEARTBEAT_MS,
      poolIdleTimeoutMs: env.DB_POOL_IDLE_TIMEOUT_MS,
    },
  });
  const report = await migrate(db);
  if (report.applied.length > 0) logger.info({ applied: report.applied.length }, 'database migrated');

  const redis = createRedis({ topology: env.redis, role: 'producer', name: 'queue-api' });
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  await whenReady(redis, 5_000).catch(() =>
    logger.error('Redis is not reachable at start-up; jobs wait for the reconciler'),
  );
  const queues = new JobQueues({
    connection: redis,
    prefix: env.QUEUE_PREFIX,
    // The connection's own listener above reports the outage.
    onError: (error) => logger.debug({ err: error.message }, 'queue connection error'),
  });

  const storageSecret = deriveStorageUrlSecret(env.secrets.callbackSecret.value);
  const storage =
    env.SUPABASE_URL && !env.secrets.serviceRoleKey.generated
      ? createStorage({
          backend: 'supabase',
          url: env.SUPABASE_URL,
          serviceRoleKey: env.secrets.serviceRoleKey.value,
        })
      : createStorage({
          backend: 'local',
          rootDir: join(env.GPUQ_DATA_DIR, 'storage'),
          baseUrl: `${env.storagePublicUrl}/storage/v1`,
          secret: storageSecret,
        });

  const authenticator = createAuthenticator({
    serviceRoleKey: env.secrets.serviceRoleKey.value,
    jwtSecret: env.secrets.jwtSecret.value,
    supabaseUrl: env.SUPABASE_URL,
    anonKey: env.SUPABASE_ANON_KEY,
    lookupPersonalAccessToken: (hash) => findApiTokenByHash(db, hash),
  });
  // The limiter's own connection: its short deadline lets a request through (fail open) rather
  // than wait on a slow Redis, whichever topology it is.
  const rateLimitRedis = env.UPSTASH_REDIS_REST_URL
    ? undefined
    : createRedis({
        topology: env.redis,
        role: 'producer',
        name: 'queue-api:rate-limit',
        commandTimeoutMs: 500,
      });
  rateLimitRedis?.on('error', () => {});
  // Limits hold from the first request (a Cluster client is ready once it knows the slots); with
  // Redis down at start-up the main connection has already waited, so this one does not.
  if (rateLimitRedis && redis.status === 'ready')
    await whenReady(rateLimitRedis, 2_000).catch(() => undefined);
  const rateLimitStore = createRateLimitStore({
    redisClient: rateLimitRedis,
    upstashUrl: env.UPSTASH_REDIS_REST_URL,
    upstashToken: env.UPSTASH_REDIS_REST_TOKEN,
  });
  const limiter = new RateLimiter({
    store: rateLimitStore,
    limit: env.RATE_LIMIT_PER_MIN,
    logger,
  });
  const adminAuthThrottle = new FailureBackoff({
    store: rateLimitStore,
    maxFailures: env.ADMIN_AUTH_MAX_FAILURES,
    baseLockMs: env.ADMIN_AUTH_BACKOFF_S * 1000,
    prefix: `${env.QUEUE_PREFIX}:admin-auth`,
    logger,
  });
  const adminSessions = adminSessionStore({
    db,
    secret: env.secrets.callbackSecret.value,
    roleCacheMs: env.ADMIN_ROLE_CACHE_MS,
  });
  const metrics = new ApiMetrics({ queues, backlogSeconds: () => backlogSeconds(db) });
  const present = jobPresenter({ db, storage, queuePosition: queuePositionReader({ db, queues }) });
  const events = new TaskEventHub(db, present, logger);
  await events.start();
  let stopDeadLetters: () => Promise<void> = async () => {};
  // URLs of this system's storage: our local routes, and Supabase Storage when it is the backend.
  const storageBaseUrls = [
    `${env.publicUrl}/storage/v1`,
    ...(env.storagePublicUrl !== env.publicUrl ? [`${env.storagePublicUrl}/storage/v1`] : []),
    ...(env.SUPABASE_URL ? [`${new URL(env.SUPABASE_URL).origin}/storage/v1`] : []),
  ];

  const services: ApiServices = {
    env,
    logger,
    protocolSettings: {
      uploadBase64MaxBytes: env.UPLOAD_BASE64_MAX_BYTES,
      heartbeatTimeoutSeconds: env.TASK_HEARTBEAT_TIMEOUT_S,
      maxAttempts: env.JOB_MAX_ATTEMPTS,
      storageBaseUrls,
    },
    enqueueTask: taskEnqueuer({
      db,
      queues,
      logger,
      callbackSecret: env.secrets.callbackSecret.value,
      maxAttempts: env.JOB_MAX_ATTEMPTS,
      storageBaseUrls,
    }),
    db,
    redis,
    queues,
    storage,
    storageSecret,
    authenticator,
    limiter,
    workLimits: {
      async rateLimit(userId) {
        await limiter.enforce(userId);
      },
      maxInFlight: env.MAX_JOBS_IN_FLIGHT,
    },
    metrics,
    present,
    events,
    adminSessions,
    adminAuthThrottle,
    async adminFromToken(token) {
      const principal = await authenticator.authenticate(token).catch(() => null);
      if (!principal) return null;
      if (principal.kind === 'service') return 'service';
      // A token made for workers or apps is not an operator's credential.
      if (principal.via === 'pat' && principal.scope !== 'all') return null;
      return (await services.isAdmin(principal.userId)) ? principal.userId : null;
    },
    async isAdmin(userId) {
      return (await getProfile(db, userId))?.role === 'admin';
    },
    async close() {
      await stopDeadLetters();
      await events.close();
      await queues.close();
      await rateLimitStore.close();
      rateLimitRedis?.disconnect();
      redis.disconnect();
      await db.close();
    },
  };
  stopDeadLetters = await startDeadLetterWatcher(services).catch((error: unknown) => {
    logger.error(
      { err: (error as Error).message },
      'dead-letter watcher not started (Redis down?); restart to retry',
    );
    return async () => {};
  });
  return services;
}
