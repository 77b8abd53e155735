/**
 * Per-stage timings of one queue-job request: the steps of apps/queue-api's submitJob and its
 * presenter, in their order, called one at a time from this process against the same kind of
 * database and Redis, each timed alone. Sequential on purpose: this is where one request's
 * latency goes on an idle system, the floor under (d)'s p50. If submitJob's steps change, this
 * list must follow (it is a measurement of them, not a second implementation in use).
 * The queue length and the ETA's recent duration are cached by queue-api (1 s and 5 s), so a
 * request pays for them about once a second per queue: they are timed, but marked as cached.
 */
import { createAuthenticator, signDevJwt } from '@gpuq/auth';
import { issueCallbackCredential } from '@gpuq/callback-client/signing';
import { migrate, openDatabase, recentDurationSeconds, submitJobTask } from '@gpuq/db';
import { creditCost, JOB_CATALOG, QueueJobRequest, resolveGenerationParams } from '@gpuq/job-types';
import { createRedis, JobQueues } from '@gpuq/queue';
import { createRateLimitStore, RateLimiter } from '@gpuq/rate-limit';
import { createTestDatabase, TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import type { BenchSize } from '../bench-size.js';
import { userUuid } from '../stacks/gpuq-stack.js';
import { percentile, round } from '../util/stats.js';
import { REQUEST_BODY } from './job-data.js';

export interface StageRow {
  stage: string;
  /** What it talks to: one round trip each unless said. */
  io: string;
  p50Ms: number;
  p99Ms: number;
}

export interface QueueJobStagesResult {
  requests: number;
  rows: StageRow[];
  /** Sum of the stage medians, cached stages left out. */
  totalP50Ms: number;
}

const SECRET = 'bench-stages-jwt-secret-0123456789';
// Cached in queue-api: paid about once a second per queue, so left out of the sum of medians.
const QUEUE_LENGTH_STAGE = 'queue length for the response (cached 1 s)';
const DURATION_STAGE = 'present: recent duration for the ETA (cached 5 s)';
const CACHED_STAGES = new Set([QUEUE_LENGTH_STAGE, DURATION_STAGE]);

export async function benchQueueJobStages(size: BenchSize): Promise<QueueJobStagesResult> {
  const database = await createTestDatabase('bench_stages');
  const db = await openDatabase({ url: database.url });
  const redis = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'bench-stages' });
  const queues = new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('bench-stages') });
  const store = createRateLimitStore({ redisUrl: TEST_REDIS_URL });
  const limiter = new RateLimiter({ store, limit: 100_000_000 });
  const authenticator = createAuthenticator({
    jwtSecret: SECRET,
    serviceRoleKey: 'bench-stages-service-key-0123',
  });
  const samples = new Map<string, { io: string; ms: number[] }>();
  async function timed<T>(stage: string, io: string, work: () => Promise<T> | T): Promise<T> {
    const started = performance.now();
    const result = await work();
    const entry = samples.get(stage) ?? { io, ms: [] };
    entry.ms.push(performance.now() - started);
    samples.set(stage, entry);
    return result;
  }
  try {
    await migrate(db);
    const tokens = await Promise.all(
      Array.from({ length: size.users }, (_, index) =>
        signDevJwt({ secret: SECRET, userId: userUuid(index) }),
      ),
    );
    const requests = size.stageRequests;
    // One untimed pass per user first: a user's first request creates their profile and project.
    for (let index = -size.users; index < requests; index += 1) {
      const user = (index + size.users) % size.users;
      const run = index < 0 ? <T>(_s: string, _io: string, work: () => Promise<T> | T) => work() : timed;
      await run('authenticate (HS256 JWT)', 'CPU', () => authenticator.authenticate(tokens[user]!));
      const userId = userUuid(user);
      const request = await run('validate + resolve (zod)', 'CPU', () => QueueJobRequest.parse(REQUEST_BODY));
      await run('rate limit', 'Redis script', () => limiter.enforce(userId));
      const generation = resolveGenerationParams(request, () => 7);
      const { task } = await run(
        'submit_job (profile, in-flight cap, project, reserve credits, insert)',
        'Postgres',
        () =>
          submitJobTask(db, {
            userId,
            taskType: request.jobType,
            params: { ...generation, metadata: request.metadata ?? {}, videoId: null, imageId: null },
            cost: creditCost(request),
            signupCredits: 1_000_000_000,
            maxInFlight: 1_000_000,
          }),
      );
      await run('credential + enqueue', 'Redis script', () => {
        const credential = issueCallbackCredential(SECRET, task.id);
        return queues.enqueue(
          'sdxl_queue',
          {
            taskId: task.id,
            taskType: request.jobType,
            userId,
            projectId: task.projectId,
            generation,
            params: task.params,
            bucket: JOB_CATALOG[request.jobType].bucket,
            callbackToken: credential.token,
            callbackExpiresAt: credential.expiresAt,
          },
          { maxAttempts: 3 },
        );
      });
      await run('present: place in line', 'Redis script', () => queues.place('sdxl_queue', task.id));
      await run(QUEUE_LENGTH_STAGE, 'Redis', () => queues.length('sdxl_queue'));
      await run(DURATION_STAGE, 'Postgres', () => recentDurationSeconds(db, { taskType: request.jobType }));
    }
    const rows = [...samples].map(([stage, entry]) => ({
      stage,
      io: entry.io,
      p50Ms: round(percentile(entry.ms, 50), 3),
      p99Ms: round(percentile(entry.ms, 99), 3),
    }));
    return {
      requests,
      rows,
      totalP50Ms: round(
        rows.reduce((sum, row) => sum + (CACHED_STAGES.has(row.stage) ? 0 : row.p50Ms), 0),
        2,
      ),
    };
  } finally {
    for (const queue of queues.all()) await queue.obliterate({ force: true }).catch(() => {});
    await queues.close();
    await store.close();
    redis.disconnect();
    await db.close();
    await database.drop().catch(() => {});
  }
}
