/**
 * queue-api settings (docs/CONFIGURATION.md is generated from this schema), parsed once at start-up. In production a missing
 * secret is a start-up error; in development it is generated and reported, so the local start
 * command works on a fresh machine.
 */
import {
  ConfigError,
  type Env,
  Flag,
  NodeEnv,
  Port,
  PositiveInt,
  PostgresUrl,
  parseEnv,
  QueuePrefix,
  RedisSettings,
  type RedisTopology,
  type ResolvedSecret,
  redisTopology,
  resolveSecret,
} from '@gpuq/config';
import { z } from 'zod';

const Schema = z.object({
  /** `production` requires every secret; otherwise missing secrets are generated and reported. */
  NODE_ENV: NodeEnv,
  /** pino log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** queue-api port. */
  PORT: Port.default(8787),
  ...RedisSettings.shape,
  /** BullMQ key prefix; a {hash tag} for Redis Cluster. */
  QUEUE_PREFIX: QueuePrefix,
  /** Postgres; unset means embedded PGlite under GPUQ_DATA_DIR. */
  DATABASE_URL: PostgresUrl.optional(),
  /**
   * A direct Postgres connection (not through a pooler) for what must keep one session: LISTEN
   * (event streams, dependency dispatch) and the leader lock of the background loops. Default
   * DATABASE_URL.
   */
  DATABASE_DIRECT_URL: PostgresUrl.optional(),
  /**
   * `transaction` when DATABASE_URL is a transaction pooler (pgbouncer `pool_mode = transaction`,
   * Supabase's pooler on port 6543): timeouts are set per transaction, not per session.
   */
  DATABASE_POOL_MODE: z.enum(['session', 'transaction']).default('session'),
  /**
   * Longest time the background loops (reconciler, stale-claim reaper, dependency dispatcher) go
   * without a leader after the instance running them dies; one instance runs them at a time.
   */
  LEADER_FAILOVER_S: PositiveInt.default(15),
  /** The api's public base URL (signed storage URLs point here); default http://127.0.0.1:PORT. */
  GPUQ_PUBLIC_URL: z.url().optional(),
  /**
   * Where the local storage routes are reached when not on the api's own origin (e.g.
   * https://files.example.com, a second host name for this server): signed and public URLs point
   * there, and storage answers only there. A file served from the api's origin runs (were its
   * sandbox ever lost) as the api, with an admin's cookies.
   */
  STORAGE_PUBLIC_URL: z.url().optional(),
  /** Largest object one signed upload may store (a 10 s 1080p video is far below the default). */
  STORAGE_MAX_OBJECT_BYTES: PositiveInt.default(512 * 1024 * 1024),
  /** Bytes a user may keep in storage through signed uploads. */
  STORAGE_USER_QUOTA_BYTES: PositiveInt.default(10 * 1024 * 1024 * 1024),
  /** Local state: PGlite files, local storage. */
  GPUQ_DATA_DIR: z.string().default('./.data'),
  /** A Supabase project: storage, JWKS and the JWT issuer. */
  SUPABASE_URL: z.url().optional(),
  /** Accepted as `apikey` from frontends; grants nothing. */
  SUPABASE_ANON_KEY: z.string().optional(),
  /** HS256 secret of user JWTs (aud `authenticated`). */
  SUPABASE_JWT_SECRET: z.string().min(16).optional(),
  /** The service-role key. */
  SUPABASE_SERVICE_ROLE_KEY: z.string().min(16).optional(),
  /** Derives each job's callback credential; never on GPU hosts. */
  CALLBACK_SECRET: z.string().min(16).optional(),
  /** Bull Board sign-in by basic auth (an admin's JWT works too). */
  GPUQ_ADMIN_USER: z.string().min(1).optional(),
  /** The basic-auth operator's password; set with GPUQ_ADMIN_USER. */
  GPUQ_ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Allowed browser origins, comma-separated; `*` in development, none in production by default. */
  CORS_ORIGINS: z.string().optional(),
  /** Per-user queue-job requests per minute. */
  RATE_LIMIT_PER_MIN: PositiveInt.default(60),
  /** Per-user jobs not yet finished. */
  MAX_JOBS_IN_FLIGHT: PositiveInt.default(10),
  /** The rate limiter over Upstash's REST protocol instead of REDIS_URL. */
  UPSTASH_REDIS_REST_URL: z.url().optional(),
  /** The Upstash REST token; set with UPSTASH_REDIS_REST_URL. */
  UPSTASH_REDIS_REST_TOKEN: z.string().optional(),
  /** Request body limit. */
  BODY_LIMIT_BYTES: PositiveInt.default(65_536),
  /** Largest base64 file accepted by complete-task. */
  UPLOAD_BASE64_MAX_BYTES: PositiveInt.default(2 * 1024 * 1024),
  /** Attempts before a job lands failed. */
  JOB_MAX_ATTEMPTS: PositiveInt.default(3),
  /** Heartbeat timeout of HTTP-claimed tasks. */
  TASK_HEARTBEAT_TIMEOUT_S: PositiveInt.default(1800),
  /** How long generate-admin-image waits for its image. */
  ADMIN_IMAGE_WAIT_S: PositiveInt.default(60),
  /** Credits of a profile when its user is first seen. */
  GPUQ_SIGNUP_CREDITS: z.coerce.number().int().nonnegative().default(100),
  /** Postgres connections in the pool. */
  DB_POOL_SIZE: PositiveInt.default(10),
  /** How long a pooled Postgres connection may sit idle before it is closed; 0: never. */
  DB_POOL_IDLE_TIMEOUT_MS: z.coerce.number().int().nonnegative().default(300_000),
  /** Longest wait for a Postgres connection (a new one, or a free one from a full pool). */
  DB_CONNECT_TIMEOUT_MS: PositiveInt.default(3_000),
  /** Server-side statement_timeout of every session. */
  DB_STATEMENT_TIMEOUT_MS: PositiveInt.default(5_000),
  /** Client-side wait for a statement's answer; default DB_STATEMENT_TIMEOUT_MS + 2 000. */
  DB_QUERY_TIMEOUT_MS: PositiveInt.optional(),
  /** Server-side idle_in_transaction_session_timeout. */
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: PositiveInt.default(10_000),
  /** How often the LISTEN connection (job events, dependency dispatch) is probed. */
  DB_LISTENER_HEARTBEAT_MS: PositiveInt.default(5_000),
  /** Deadline of every request but event streams, admin-image waits and storage transfers: 503 after. */
  REQUEST_DEADLINE_MS: PositiveInt.default(10_000),
  /** Time each /readyz check has to answer. */
  READINESS_TIMEOUT_MS: PositiveInt.default(2_000),
  /** Serve Bull Board at /admin/queues. */
  BULL_BOARD: Flag.default(true),
  /** Seconds between re-checks of an event stream's credential; a revoked one ends the stream. */
  SSE_CREDENTIAL_RECHECK_S: PositiveInt.default(30),
  /** Event streams one user may hold open at once over all api instances (429 beyond). */
  SSE_MAX_STREAMS_PER_USER: PositiveInt.default(10),
  /** Projects one user may own (409 beyond). */
  MAX_PROJECTS_PER_USER: PositiveInt.default(100),
  /** Live (not revoked, not expired) personal access tokens one user may hold (409 beyond). */
  MAX_TOKENS_PER_USER: PositiveInt.default(50),
  /** How long the admin pages trust a session's admin role before reading it again. */
  ADMIN_ROLE_CACHE_MS: z.coerce.number().int().nonnegative().default(5000),
  /** Failed /admin sign-ins from one address before it must wait (429 with Retry-After). */
  ADMIN_AUTH_MAX_FAILURES: PositiveInt.default(5),
  /** The first wait after too many failed /admin sign-ins; each further failure doubles it (≤ 1 h). */
  ADMIN_AUTH_BACKOFF_S: PositiveInt.default(30),
});

export type ApiEnv = Omit<
  z.infer<typeof Schema>,
  'SUPABASE_JWT_SECRET' | 'SUPABASE_SERVICE_ROLE_KEY' | 'CALLBACK_SECRET' | 'CORS_ORIGINS'
> & {
  secrets: { jwtSecret: ResolvedSecret; serviceRoleKey: ResolvedSecret; callbackSecret: ResolvedSecret };
  corsOrigins: string[];
  /** Where BullMQ, the rate limiter and cancellation connect: one node, a Cluster or Sentinel. */
  redis: RedisTopology;
  publicUrl: string;
  /** The origin (and path prefix) storage URLs start with: STORAGE_PUBLIC_URL, else publicUrl. */
  storagePublicUrl: string;
};

export function loadApiEnv(env: Env): ApiEnv {
  const parsed = parseEnv('queue-api', Schema, env);
  const production = parsed.NODE_ENV === 'production';
  const problems: string[] = [];
  const secrets = {
    jwtSecret: resolveSecret('SUPABASE_JWT_SECRET', parsed.SUPABASE_JWT_SECRET, production, problems),
    serviceRoleKey: resolveSecret(
      'SUPABASE_SERVICE_ROLE_KEY',
      parsed.SUPABASE_SERVICE_ROLE_KEY,
      production,
      problems,
    ),
    callbackSecret: resolveSecret('CALLBACK_SECRET', parsed.CALLBACK_SECRET, production, problems),
  };
  const redis = redisTopology(parsed, problems);
  if (Boolean(parsed.UPSTASH_REDIS_REST_URL) !== Boolean(parsed.UPSTASH_REDIS_REST_TOKEN)) {
    problems.push('UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN: set both or neither');
  }
  if (Boolean(parsed.GPUQ_ADMIN_USER) !== Boolean(parsed.GPUQ_ADMIN_PASSWORD)) {
    problems.push('GPUQ_ADMIN_USER and GPUQ_ADMIN_PASSWORD: set both or neither');
  }
  if (parsed.DATABASE_POOL_MODE === 'transaction' && !parsed.DATABASE_DIRECT_URL) {
    problems.push(
      'DATABASE_POOL_MODE=transaction: set DATABASE_DIRECT_URL (LISTEN and the leader lock need a session that a transaction pooler cannot keep)',
    );
  }
  if (parsed.DATABASE_DIRECT_URL && !parsed.DATABASE_URL) {
    problems.push(
      'DATABASE_DIRECT_URL: set DATABASE_URL too (the direct URL only serves LISTEN and the leader lock)',
    );
  }
  if (problems.length > 0) throw new ConfigError('queue-api', problems);
  const { SUPABASE_JWT_SECRET, SUPABASE_SERVICE_ROLE_KEY, CALLBACK_SECRET, CORS_ORIGINS, ...rest } = parsed;
  const corsOrigins = CORS_ORIGINS
    ? CORS_ORIGINS.split(',')
        .map((origin) => origin.trim())
        .filter(Boolean)
    : production
      ? []
      : ['*'];
  const publicUrl = (rest.GPUQ_PUBLIC_URL ?? `http://127.0.0.1:${rest.PORT}`).replace(/\/+$/, '');
  const storagePublicUrl = (rest.STORAGE_PUBLIC_URL ?? publicUrl).replace(/\/+$/, '');
  return { ...rest, secrets, corsOrigins, redis, publicUrl, storagePublicUrl };
}

/** The schema itself, for docs/CONFIGURATION.md. */
export { Schema as ApiSettingsSchema };
