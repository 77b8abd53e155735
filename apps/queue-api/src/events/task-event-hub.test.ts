/**
 * The event hub on real Postgres LISTEN/NOTIFY, with the real presenter: a change reaches the
 * streams of its owner and the service role's, and a change of a user with no stream on this
 * instance is neither read nor presented (presenting a waiting task counts the backlog ahead of
 * it, so that work must follow the streams, not every change of the deployment).
 */

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Database, migrate, openDatabase, submitJobTask, type Task } from '@gpuq/db';
import { QueueJobRequest, resolveGenerationParams } from '@gpuq/job-types';
import { createLogger } from '@gpuq/logger';
import { createRedis, JobQueues, type RedisClient } from '@gpuq/queue';
import { LocalFileStorage } from '@gpuq/storage';
import { createTestDatabase, TEST_REDIS_URL, type TestDatabase, uniqueQueuePrefix } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { taskEnqueuer } from '../jobs/enqueue-task.js';
import { jobPresenter } from '../jobs/job-presenter.js';
import { queuePositionReader } from '../jobs/queue-position.js';
import { type JobEvent, TaskEventHub } from './task-event-hub.js';

const logger = createLogger({ name: 'event-hub-test', level: 'silent' });

describe('the task event hub', () => {
  let database: TestDatabase;
  let db: Database;
  let hub: TaskEventHub;
  let dataDir: string;
  let redis: RedisClient;
  let queues: JobQueues;
  let enqueue: (task: Task) => Promise<void>;
  /** Task ids the hub presented, in order. */
  const presented: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('event-hub');
    db = await openDatabase({ url: database.url });
    await migrate(db);
    dataDir = await mkdtemp(join(tmpdir(), 'gpuq-event-hub-'));
    const storage = new LocalFileStorage({
      rootDir: dataDir,
      baseUrl: 'http://127.0.0.1:1/storage/v1',
      secret: 's',
    });
    redis = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'event-hub-test' });
    queues = new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('event-hub') });
    enqueue = taskEnqueuer({
      db,
      queues,
      logger,
      callbackSecret: 'event-hub-test-callback-secret',
      maxAttempts: 3,
      storageBaseUrls: [],
    });
    const present = jobPresenter({ db, storage, queuePosition: queuePositionReader({ db, queues }) });
    hub = new TaskEventHub(
      db,
      (task: Task) => {
        presented.push(task.id);
        return present(task);
      },
      logger,
    );
    await hub.start();
  });
  afterAll(async () => {
    await hub?.close();
    for (const queue of queues?.all() ?? []) await queue.obliterate({ force: true });
    await queues?.close();
    redis?.disconnect();
    await db?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** As queue-job does: the task committed, then its job added to the queue. */
  const submit = async (userId: string) => {
    const { task } = await submitJobTask(db, {
      userId,
      taskType: 'sdxl_image_fast',
      params: resolveGenerationParams(
        QueueJobRequest.parse({ jobType: 'sdxl_image_fast', metadata: { prompt: 'a lighthouse' } }),
        () => 7,
      ),
      cost: 1,
      signupCredits: 100,
      maxInFlight: null,
    });
    await enqueue(task);
    return task.id;
  };
  const collect = (events: JobEvent[]) => (event: JobEvent) => events.push(event);
  const idsOf = (events: JobEvent[]) => events.map((event) => event.job.id);

  it("streams a change to its owner's streams and the service role's, and reads no one else's", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const aliceEvents: JobEvent[] = [];
    const stopAlice = hub.subscribe(alice, collect(aliceEvents));

    const bobsTask = await submit(bob);
    const alicesTask = await submit(alice);
    await expect.poll(() => idsOf(aliceEvents), { timeout: 10_000 }).toContain(alicesTask);
    // Notifications arrive in commit order; give a late read of Bob's time to show.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(idsOf(aliceEvents)).toEqual([alicesTask]);
    expect(aliceEvents[0]).toMatchObject({ userId: alice, job: { status: 'queued', queuePosition: 2 } });
    expect(presented).not.toContain(bobsTask);

    const allEvents: JobEvent[] = [];
    const stopAll = hub.subscribe(null, collect(allEvents));
    const bobsSecond = await submit(bob);
    await expect.poll(() => idsOf(allEvents), { timeout: 10_000 }).toContain(bobsSecond);
    expect(idsOf(aliceEvents)).toEqual([alicesTask]);

    stopAlice();
    stopAll();
    const presentedBefore = presented.length;
    await submit(alice);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(presented).toHaveLength(presentedBefore);
  });

  it("gives each of an owner's streams the change, presented once", async () => {
    const carol = randomUUID();
    const first: JobEvent[] = [];
    const second: JobEvent[] = [];
    const stopFirst = hub.subscribe(carol, collect(first));
    const stopSecond = hub.subscribe(carol, collect(second));
    const task = await submit(carol);
    await expect.poll(() => idsOf(second), { timeout: 10_000 }).toContain(task);
    expect(idsOf(first)).toEqual([task]);
    expect(presented.filter((id) => id === task)).toHaveLength(1);
    stopFirst();
    const next = await submit(carol);
    await expect.poll(() => idsOf(second), { timeout: 10_000 }).toContain(next);
    expect(idsOf(first)).toEqual([task]);
    stopSecond();
  });
});
