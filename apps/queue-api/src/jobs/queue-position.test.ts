/**
 * The place a waiting task is shown at, on a real Postgres and Redis: from its job's list when the
 * job is in line; last (or first, for a free admin image) when its request is still adding it;
 * from Postgres's count when it is older and in no line; and from Postgres when Redis does not
 * answer.
 */
import { randomUUID } from 'node:crypto';
import { type Database, migrate, openDatabase, submitJobTask, type Task } from '@gpuq/db';
import { QueueJobRequest, resolveGenerationParams } from '@gpuq/job-types';
import { createLogger } from '@gpuq/logger';
import { createRedis, JobQueues, type RedisClient } from '@gpuq/queue';
import {
  countingQueries,
  createTestDatabase,
  startTcpProxy,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueQueuePrefix,
} from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskEnqueuer } from './enqueue-task.js';
import { queuePositionReader, type ReadQueuePosition } from './queue-position.js';

let database: TestDatabase;
let db: Database;
let redis: RedisClient;
let queues: JobQueues;
let enqueue: (task: Task) => Promise<void>;
let readPosition: ReadQueuePosition;

beforeAll(async () => {
  database = await createTestDatabase('queue-position');
  db = await openDatabase({ url: database.url });
  await migrate(db);
  redis = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'queue-position-test' });
  queues = new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('queue-position') });
  enqueue = taskEnqueuer({
    db,
    queues,
    logger: createLogger({ name: 'queue-position-test', level: 'silent' }),
    callbackSecret: 'queue-position-test-callback-secret',
    maxAttempts: 3,
    storageBaseUrls: [],
  });
  readPosition = queuePositionReader({ db, queues });
});
afterAll(async () => {
  for (const queue of queues?.all() ?? []) await queue.obliterate({ force: true });
  await queues?.close();
  redis?.disconnect();
  await db?.close();
  await database?.drop();
});

const generation = resolveGenerationParams(
  QueueJobRequest.parse({ jobType: 'sdxl_image_fast', metadata: { prompt: 'a heron' } }),
  () => 7,
);

/** A committed sdxl_queue task, its job not added: `cost` 0 is an admin image. */
const commit = async (cost = 1) =>
  (
    await submitJobTask(db, {
      userId: randomUUID(),
      taskType: 'sdxl_image_fast',
      params: generation,
      cost,
      signupCredits: 100,
      maxInFlight: null,
    })
  ).task;

describe('a waiting task’s queue position', () => {
  it('is its place in the job list, and last in line while its request is still adding the job', async () => {
    const inLine = [await commit(), await commit()];
    for (const task of inLine) await enqueue(task);
    const adding = await commit();
    const admin = await commit(0);
    const { result, statements } = await countingQueries(db, () =>
      Promise.all([...inLine, adding, admin].map(readPosition)),
    );
    expect(result).toEqual([1, 2, 3, 1]);
    expect(statements).toBe(0);
    await enqueue(admin);
    await enqueue(adding);
    expect(await Promise.all([admin, ...inLine, adding].map(readPosition))).toEqual([1, 2, 3, 4]);
  });

  it('is counted in Postgres for an older task in no line, and when Redis does not answer', async () => {
    const queue = queues.queue('sdxl_queue');
    await queue.obliterate({ force: true });
    await db.query(`update public.tasks set status = 'Cancelled' where status = 'Queued'`);
    const first = await commit();
    const second = await commit();
    await enqueue(second);
    // Ten seconds old and never added (its request died after the commit): Postgres places it
    // ahead of the younger task, by age.
    await db.query(`update public.tasks set created_at = now() - interval '10 seconds' where id = $1`, [
      first.id,
    ]);
    expect(await readPosition({ ...first, createdAt: new Date(Date.now() - 10_000) })).toBe(1);

    // The same queue through a proxy that holds every byte: Redis never answers.
    const redisAddress = new URL(TEST_REDIS_URL);
    const proxy = await startTcpProxy({ host: redisAddress.hostname, port: Number(redisAddress.port) });
    const held = createRedis({ url: `redis://127.0.0.1:${proxy.port}`, role: 'producer' });
    const heldQueues = new JobQueues({ connection: held, prefix: queue.opts.prefix ?? '' });
    try {
      await heldQueues.queue('sdxl_queue').waitUntilReady();
      expect(await queuePositionReader({ db, queues: heldQueues })(second)).toBe(1);
      await proxy.blackhole();
      expect(await queuePositionReader({ db, queues: heldQueues, timeoutMs: 100 })(second)).toBe(2);
    } finally {
      held.disconnect();
      await proxy.close();
    }
  });
});
