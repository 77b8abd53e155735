/**
 * The Redis users beside the queues, checked on the topology the drill runs on: readiness, Bull
 * Board, the rate limiter (its own connection, built the way the api builds it) and the cancel
 * channel (published on the api's connection, heard on a worker's).
 */
import type { QueueJobData } from '@gpuq/job-types';
import { createRedis, onCancel, publishCancel, whenReady } from '@gpuq/queue';
import { IoredisStore, RateLimiter } from '@gpuq/rate-limit';
import { uniqueSuffix } from '@gpuq/testing';
import { UnrecoverableError, Worker } from 'bullmq';
import { expect } from 'vitest';
import { audit } from '../src/audit.js';
import type { Drill, DrillRedis } from '../src/drill.js';

/** Bull Board's basic-auth operator, given to the api of every topology test. */
export const OPERATOR = { GPUQ_ADMIN_USER: 'operator', GPUQ_ADMIN_PASSWORD: 'operator-password' };

export async function expectRedisFeaturesWork(drill: Drill<DrillRedis>): Promise<void> {
  const { env, services } = drill.api;
  expect(await drill.ready()).toBe(true);

  const basic = `Basic ${Buffer.from(`${OPERATOR.GPUQ_ADMIN_USER}:${OPERATOR.GPUQ_ADMIN_PASSWORD}`).toString('base64')}`;
  const board = await drill.api.request('/admin/queues/api/queues', { headers: { authorization: basic } });
  expect(board.status).toBe(200);
  const { queues } = (await board.json()) as {
    queues: Array<{ name: string; counts: Record<string, number> }>;
  };
  expect(queues.map((queue) => queue.name).sort()).toEqual(['sdxl_queue', 'wan_queue']);
  for (const queue of queues) expect(queue.counts.completed).toBeGreaterThan(0);

  const limiterRedis = createRedis({ topology: env.redis, role: 'producer', name: 'test:rate-limit' });
  const limiter = new RateLimiter({
    store: new IoredisStore({ client: limiterRedis }),
    limit: 3,
    prefix: `${env.QUEUE_PREFIX}:rl-test`,
  });
  // A fresh client's first connect to a TLS Cluster is three handshakes and a slot-map read, each
  // retried after a 2 s timeout: on a loaded 2-core machine that passed 5 s (one run in four).
  await whenReady(limiterRedis, 20_000);
  const key = `user-${uniqueSuffix()}`;
  const decisions = [];
  for (let hit = 0; hit < 4; hit += 1) decisions.push(await limiter.hit(key));
  limiterRedis.disconnect();
  // Not degraded: the store answered (a limiter that cannot reach Redis lets everything through).
  expect(decisions.map((decision) => [decision.allowed, decision.degraded ?? false])).toEqual([
    [true, false],
    [true, false],
    [true, false],
    [false, false],
  ]);

  const subscriber = createRedis({ topology: env.redis, role: 'worker', name: 'test:cancel' });
  const heard: string[] = [];
  await onCancel(subscriber, env.QUEUE_PREFIX, (jobId) => heard.push(jobId));
  await publishCancel(services.redis, env.QUEUE_PREFIX, 'job-to-cancel');
  expect(await drill.waitFor(() => heard.includes('job-to-cancel'), 5_000)).toBe(true);
  subscriber.disconnect();
}

/**
 * Cancelling a running job over HTTP reaches the worker process through the topology's pub/sub:
 * the worker aborts it (its log says so) and the task ends Cancelled and refunded. Replaces the
 * drill's fleet with one slow worker, so the job is still running when the cancel arrives.
 */
export async function expectRunningJobCancelled(drill: Drill<DrillRedis>): Promise<void> {
  await drill.fleet.stopAll();
  const worker = await drill.fleet.start('slow-wan', { queue: 'wan_queue', steps: 300, stepMs: 100 });
  const [user] = await drill.users(1);
  const id = await drill.submitUntilAccepted(user!, 'image_fast', 30_000);
  expect(await drill.waitFor(async () => (await drill.status(id))?.status === 'In Progress', 30_000)).toBe(
    true,
  );
  const response = await drill.api.request(`/v1/jobs/${id}/cancel`, { method: 'POST', token: user!.token });
  expect(response.status).toBe(200);
  await worker.waitFor('cancelling the running job', 10_000);
  expect((await drill.status(id))?.status).toBe('Cancelled');
  expect(await audit(drill.direct, [], [user!.id])).toMatchObject({ ledgerMismatches: 0 });
}

/**
 * A job that dies in the queue with no word from its worker is failed and refunded by the api's
 * dead-letter watcher, whose event stream is read from the topology (after its failover, when run
 * last). Stops the drill's fleet: the crashing worker must be the one that takes the job.
 */
export async function expectDeadLettersClosed(drill: Drill<DrillRedis>): Promise<void> {
  const { env } = drill.api;
  await drill.fleet.stopAll();
  const [user] = await drill.users(1);
  const id = await drill.submitUntilAccepted(user!, 'image_fast', 30_000);
  const connection = createRedis({ topology: env.redis, role: 'worker', name: 'test:crashing-worker' });
  const crashing = new Worker<QueueJobData>(
    'wan_queue',
    async () => {
      throw new UnrecoverableError('segfault in a native library');
    },
    { connection, prefix: env.QUEUE_PREFIX },
  );
  try {
    expect(await drill.waitFor(async () => (await drill.status(id))?.status === 'Failed', 30_000)).toBe(true);
    expect(await audit(drill.direct, [], [user!.id])).toMatchObject({ ledgerMismatches: 0 });
  } finally {
    await crashing.close();
    connection.disconnect();
  }
}
