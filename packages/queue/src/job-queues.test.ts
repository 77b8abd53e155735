import { randomUUID } from 'node:crypto';
import {
  JOB_CATALOG,
  JobType,
  type QueueJobData,
  QueueJobRequest,
  resolveGenerationParams,
} from '@gpuq/job-types';
import { startPrivateRedis, TEST_REDIS_URL, uniqueQueuePrefix } from '@gpuq/testing';
import { Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { JobQueues } from './job-queues.js';
import { createRedis, evictionPolicy } from './redis-connection.js';

function jobData(jobType: JobType): QueueJobData {
  const taskId = randomUUID();
  return {
    taskId,
    taskType: jobType,
    userId: randomUUID(),
    projectId: randomUUID(),
    generation: resolveGenerationParams(
      QueueJobRequest.parse({ jobType, metadata: { prompt: 'a fox' } }),
      () => 7,
    ),
    params: {},
    bucket: JOB_CATALOG[jobType].bucket,
    callbackToken: 'token',
    callbackExpiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
}

describe('JobQueues on a real Redis', () => {
  const redis = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'queue-test' });
  const prefix = uniqueQueuePrefix('queue');
  const queues = new JobQueues({ connection: redis, prefix });

  afterAll(async () => {
    for (const queue of queues.all()) await queue.obliterate({ force: true });
    await queues.close();
    redis.disconnect();
  });

  it.each(JobType.options)('puts a %s job on its queue under the task id', async (jobType) => {
    const data = jobData(jobType);
    const queueName = JOB_CATALOG[jobType].queue;
    await queues.enqueue(queueName, data);
    const job = await queues.queue(queueName).getJob(data.taskId);
    expect(job?.data).toEqual(data);
    expect(job?.opts.attempts).toBe(3);
    const other = queueName === 'sdxl_queue' ? 'wan_queue' : 'sdxl_queue';
    expect(await queues.queue(other).getJob(data.taskId)).toBeUndefined();
  });

  it('adds nothing when the same task is enqueued twice', async () => {
    const data = jobData('video_fast');
    const before = await queues.length('wan_queue');
    await queues.enqueue('wan_queue', data);
    await queues.enqueue('wan_queue', { ...data, bucket: 'changed' });
    expect(await queues.length('wan_queue')).toBe(before + 1);
    expect((await queues.queue('wan_queue').getJob(data.taskId))?.data.bucket).toBe('video_fast');
  });

  it('names the tasks with no job on a queue, in one call', async () => {
    const onWan = jobData('image_fast');
    const onSdxl = jobData('sdxl_image_fast');
    await queues.enqueue('wan_queue', onWan);
    await queues.enqueue('sdxl_queue', onSdxl);
    const never = randomUUID();
    expect(await queues.missingJobs('wan_queue', [onWan.taskId, onSdxl.taskId, never])).toEqual([
      onSdxl.taskId,
      never,
    ]);
    expect(await queues.missingJobs('sdxl_queue', [onWan.taskId, onSdxl.taskId])).toEqual([onWan.taskId]);
    // A job BullMQ removed (as removeOnComplete does) is missing again.
    await queues.queue('wan_queue').remove(onWan.taskId);
    expect(await queues.missingJobs('wan_queue', [onWan.taskId])).toEqual([onWan.taskId]);
    expect(await queues.missingJobs('wan_queue', [])).toEqual([]);
  });

  it('keeps its keys under the hash-tagged prefix', async () => {
    const keys = await redis.keys(`${prefix}:sdxl_queue:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('reads the eviction policy BullMQ depends on', async () => {
    expect(typeof (await evictionPolicy(redis))).toBe('string');
  });
});

describe("a job's place in line, on a real Redis", () => {
  const redis = createRedis({ url: TEST_REDIS_URL, role: 'producer', name: 'queue-place-test' });
  const queues = new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('place') });
  const worker = { close: async () => {} };

  afterAll(async () => {
    await worker.close();
    for (const queue of queues.all()) await queue.obliterate({ force: true });
    await queues.close();
    redis.disconnect();
  });

  const positions = async (ids: string[]) =>
    Promise.all(ids.map(async (id) => queues.place('sdxl_queue', id)));
  const waitingAt = (...places: number[]) => places.map((position) => ({ state: 'waiting', position }));

  it('counts from the job workers take next, moves up as jobs ahead are taken, and puts admin images first', async () => {
    const line: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const data = jobData('sdxl_image_fast');
      await queues.enqueue('sdxl_queue', data);
      line.push(data.taskId);
    }
    expect(await positions(line)).toEqual(waitingAt(1, 2, 3));

    const admin = jobData('sdxl_image_fast');
    await queues.enqueue('sdxl_queue', admin, { first: true });
    expect(await positions([admin.taskId, ...line])).toEqual(waitingAt(1, 2, 3, 4));

    // A real worker takes the next job (the admin image) and holds it until the test ends.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const taken = new Promise<string | undefined>((resolve) => {
      const connection = createRedis({ url: TEST_REDIS_URL, role: 'worker' });
      const bullWorker = new Worker(
        'sdxl_queue',
        async (job) => {
          resolve(job.id);
          await held;
        },
        {
          connection,
          prefix: queues.queue('sdxl_queue').opts.prefix,
          concurrency: 1,
        },
      );
      worker.close = async () => {
        release();
        await bullWorker.close();
        connection.disconnect();
      };
    });
    expect(await taken).toBe(admin.taskId);
    expect(await queues.place('sdxl_queue', admin.taskId)).toEqual({ state: 'taken' });
    expect(await positions(line)).toEqual(waitingAt(1, 2, 3));
  });

  it('finds a job in the middle of a long line, and in a paused queue', async () => {
    const queue = queues.queue('wan_queue');
    const ids: string[] = [];
    for (let index = 0; index < 400; index += 1) ids.push(jobData('video_fast').taskId);
    for (const taskId of ids) await queues.enqueue('wan_queue', { ...jobData('video_fast'), taskId });
    const at = (index: number) => queues.place('wan_queue', ids[index] ?? '');
    expect([await at(0), await at(199), await at(399)]).toEqual(waitingAt(1, 200, 400));
    await queue.pause();
    expect([await at(0), await at(199), await at(399)]).toEqual(waitingAt(1, 200, 400));
    await queue.resume();
  });

  it('answers elsewhere, with the line’s length, for a job waiting out a retry delay, a removed job and an unknown id', async () => {
    const queue = queues.queue('sdxl_queue');
    const waiting = await queue.getWaitingCount();
    const delayed = jobData('sdxl_image_fast');
    await queue.add(delayed.taskType, delayed, { jobId: delayed.taskId, delay: 60_000 });
    const removed = jobData('sdxl_image_fast');
    await queues.enqueue('sdxl_queue', removed);
    await queue.remove(removed.taskId);
    const elsewhere = { state: 'elsewhere', lineLength: waiting };
    expect(await positions([delayed.taskId, removed.taskId, randomUUID()])).toEqual([
      elsewhere,
      elsewhere,
      elsewhere,
    ]);
  });
});

describe('what reading a place costs Redis, on a private Redis of its own', () => {
  // Its own server, so that the command counts of INFO commandstats are this test's alone.
  const server = startPrivateRedis();
  const connect = async () => {
    const { url } = await server;
    const redis = createRedis({ url, role: 'producer', name: 'queue-place-cost-test' });
    return { redis, queues: new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('place-cost') }) };
  };
  const lposCalls = async (redis: ReturnType<typeof createRedis>) => {
    const stats = await redis.info('commandstats');
    return Number(/^cmdstat_lpos:calls=(\d+)/m.exec(stats)?.[1] ?? 0);
  };

  afterAll(async () => {
    await (await server).destroy();
  });

  it('answers a job not added yet, delayed or done without searching a deep line, and still finds each waiting one', async () => {
    const { redis, queues } = await connect();
    try {
      const queue = queues.queue('sdxl_queue');
      // A deep line: 300 real jobs, then 5 000 older entries behind them (the end workers take).
      const ids: string[] = [];
      for (let index = 0; index < 300; index += 1) {
        const data = jobData('sdxl_image_fast');
        await queues.enqueue('sdxl_queue', data);
        ids.push(data.taskId);
      }
      const older = Array.from({ length: 5_000 }, (_, index) => `older-${index}`);
      await redis.rpush(queue.toKey('wait'), ...older);
      const length = 5_300;
      const delayed = jobData('sdxl_image_fast');
      await queue.add(delayed.taskType, delayed, { jobId: delayed.taskId, delay: 60_000 });

      await redis.config('RESETSTAT');
      const inNoLine = { state: 'elsewhere', lineLength: length };
      expect(await queues.place('sdxl_queue', randomUUID())).toEqual(inNoLine);
      expect(await queues.place('sdxl_queue', delayed.taskId)).toEqual(inNoLine);
      expect(await lposCalls(redis)).toBe(0);

      // ids[0] was added first: 5 001st from the end workers take; the last added is last in line.
      for (const index of [0, 1, 63, 64, 65, 150, 236, 299]) {
        expect(await queues.place('sdxl_queue', ids[index]!)).toEqual({
          state: 'waiting',
          position: 5_001 + index,
        });
      }
      expect(await queues.place('sdxl_queue', 'older-0')).toEqual({ state: 'elsewhere', lineLength: length });
    } finally {
      for (const queue of queues.all()) await queue.obliterate({ force: true });
      await queues.close();
      redis.disconnect();
    }
  });
});

describe('a producer whose Redis is down', () => {
  it('fails the enqueue promptly instead of waiting for Redis to return', async () => {
    const server = await startPrivateRedis();
    const redis = createRedis({ url: server.url, role: 'producer' });
    const queues = new JobQueues({ connection: redis, prefix: uniqueQueuePrefix('down') });
    await queues.queue('sdxl_queue').waitUntilReady();
    await server.stop();
    const started = Date.now();
    await expect(queues.enqueue('sdxl_queue', jobData('sdxl_image_fast'))).rejects.toThrow();
    // Bounded by the test timeout; the elapsed time is logged, not asserted (machines are noisy).
    console.warn(`enqueue failed after ${Date.now() - started} ms with Redis down`);
    redis.disconnect();
    await server.destroy();
  });
});
