/**
 * The same-records yardstick of (b) is only fair if it writes what ours writes: one job through
 * each stack (real queue-api and worker processes, real Redis, Postgres and files), then the rows
 * each job left in our schema, table by table, and its file in its bucket.
 */
import { existsSync } from 'node:fs';
import { TEST_REDIS_URL } from '@gpuq/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_BODY } from '../scenarios/job-data.js';
import { type GpuqStack, startGpuqStack } from './gpuq-stack.js';
import { type HandwrittenStack, startHandwrittenStack } from './handwritten-stack.js';

async function oneJob(stack: GpuqStack | HandwrittenStack): Promise<string> {
  const response = await fetch(stack.enqueueUrl, {
    method: 'POST',
    headers: { ...stack.headersFor(0), 'content-type': 'application/json' },
    body: JSON.stringify(REQUEST_BODY),
  });
  expect(response.status).toBe(200);
  for (let waited = 0; (await stack.completed()) < 1; waited += 50) {
    if (waited > 30_000) throw new Error('the job did not complete');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const { rows } = await stack.pool.query(`select id from public.tasks where status = 'Complete'`);
  return rows[0].id as string;
}

/** What a finished task left behind, in terms both stacks must share. */
async function recordsOf(stack: GpuqStack | HandwrittenStack, taskId: string) {
  const count = async (sql: string) => (await stack.pool.query(sql, [taskId])).rows[0].n as number;
  const task = (await stack.pool.query('select * from public.tasks where id = $1', [taskId])).rows[0];
  const image = (await stack.pool.query('select * from public.images where task_id = $1', [taskId])).rows[0];
  return {
    task: {
      status: task.status,
      claimedBy: task.claimed_by,
      hasWorker: task.worker_id !== null,
      hasTimes:
        task.claimed_at !== null &&
        task.generation_started_at !== null &&
        task.generation_processed_at !== null,
      generationCreated: task.generation_created,
    },
    generations: await count('select count(*)::int as n from public.generations where task_id = $1'),
    imageLinkedToGeneration: image?.generation_id !== null && image?.generation_id !== undefined,
    images: await count('select count(*)::int as n from public.images where task_id = $1'),
    ledger: (
      await stack.pool.query('select kind from public.credit_ledger where task_id = $1 order by id', [taskId])
    ).rows.map((row) => row.kind),
    storagePath: image?.storage_path as string,
  };
}

describe('the hand-written same-records path', () => {
  let ours: GpuqStack | undefined;
  let records: HandwrittenStack | undefined;
  beforeAll(async () => {
    const options = { workers: 1, concurrency: 1 };
    ours = await startGpuqStack(1, options);
    records = await startHandwrittenStack({ ...options, kind: 'records', users: 1 });
  }, 120_000);
  afterAll(async () => {
    await records?.stop();
    await ours?.stop();
  });

  it('leaves the rows a job of ours leaves, and its file in the bucket', async () => {
    if (!records || !ours) throw new Error('the stacks did not start');
    const theirs = await recordsOf(records, await oneJob(records));
    const mine = await recordsOf(ours, await oneJob(ours));
    expect(theirs.task).toEqual(mine.task);
    expect(theirs.task.status).toBe('Complete');
    expect({ ...theirs, storagePath: undefined }).toEqual({ ...mine, storagePath: undefined });
    expect(theirs.ledger).toEqual(['reservation', 'settlement']);
    expect(existsSync(records.fileOf('sdxl_image_fast', theirs.storagePath))).toBe(true);
    expect(existsSync(records.fileOf('staging', theirs.storagePath))).toBe(false);
  }, 90_000);

  it('leaves nothing of its queues in the shared Redis once stopped', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const prefixes = [ours, records].map((stack) => stack?.queuePrefix ?? '');
      const keysOf = (prefix: string) => redis.keys(`${prefix}:*`);
      for (const prefix of prefixes) expect((await keysOf(prefix)).length).toBeGreaterThan(0);
      await records?.stop();
      await ours?.stop();
      records = undefined;
      ours = undefined;
      for (const prefix of prefixes) expect(await keysOf(prefix)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  }, 60_000);
});
