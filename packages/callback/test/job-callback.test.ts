/** The job-callback service through real HTTP, signed requests and a real Postgres. */
import { randomUUID } from 'node:crypto';
import type { CallbackRejectedError } from '@gpuq/callback-client';
import { createCallbackClient } from '@gpuq/callback-client';
import { signedHeaders } from '@gpuq/callback-client/signing';
import { claimNextTask, getTask } from '@gpuq/db';
import { JOB_CATALOG, JobType } from '@gpuq/job-types';
import { STAGING_BUCKET } from '@gpuq/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, type JobCredential, startHarness } from './callback-harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

const client = () =>
  createCallbackClient({ url: harness.url, baseDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 20_000 });
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const MP4 = new Uint8Array([0, 0, 0, 24, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0]);

/** Stages a file in the job's folder as a worker does, and returns the path it reports. */
async function staged(taskId: string, filename: string): Promise<string> {
  const path = `${harness.userId}/${taskId}/${filename}`;
  const video = filename.endsWith('.mp4');
  await harness.storage.put(STAGING_BUCKET, path, video ? MP4 : PNG, video ? 'video/mp4' : 'image/png');
  return path;
}

/** A staged output of the job type's kind under a fresh name. */
const outputPath = (taskId: string, jobType: string) =>
  staged(taskId, `${randomUUID()}.${JOB_CATALOG[jobType as JobType]?.output === 'video' ? 'mp4' : 'png'}`);

/** A raw POST, for requests the real client would never send. */
async function post(body: string, headers: Record<string, string>) {
  const response = await fetch(harness.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { message: string }; job?: { status: string } },
  };
}

async function completion(taskId: string, jobType: JobType): Promise<Record<string, unknown>> {
  const spec = JOB_CATALOG[jobType];
  if (spec.family === 'sdxl') {
    return { imageUrls: [await outputPath(taskId, jobType), await outputPath(taskId, jobType)] };
  }
  const report: Record<string, unknown> = { outputUrl: await outputPath(taskId, jobType) };
  if (spec.output === 'video') report.posterPath = await staged(taskId, 'poster.png');
  if (spec.enhancePrompt) report.enhancedPrompt = 'a detailed lighthouse at dusk, waves, volumetric light';
  return report;
}

describe('completed and failed, for each job type', () => {
  it.each(JobType.options)(
    '%s: assets, generation, enhanced prompt and exactly one settlement',
    async (jobType) => {
      const { task, credential } = await harness.createJob(jobType);
      const before = await harness.credits();
      const spec = JOB_CATALOG[jobType];
      await client().send(credential, { status: 'processing', workerId: 'gpu-1' });
      const job = await client().send(credential, {
        status: 'completed',
        workerId: 'gpu-1',
        ...(await completion(task.id, jobType)),
      });
      expect(job.status).toBe('completed');

      const assets = spec.output === 'video' ? 'videos' : 'images';
      expect(await harness.count(assets, task.id)).toBe(spec.family === 'sdxl' ? 2 : 1);
      expect(await harness.count('generations', task.id)).toBe(1);
      expect(await harness.ledger(task.id)).toEqual([`reservation:${-spec.credits}`, 'settlement:0']);
      expect(await harness.credits()).toBe(before);
      const { rows } = await harness.db.query<{
        enhanced_prompt: string | null;
        generation_id: string | null;
      }>(`select enhanced_prompt, generation_id from public.${assets} where task_id = $1`, [task.id]);
      for (const row of rows) {
        expect(row.enhanced_prompt !== null).toBe(spec.enhancePrompt);
        expect(row.generation_id).not.toBeNull();
      }
      expect(job.enhancedPrompt !== null).toBe(spec.enhancePrompt);
    },
  );

  it.each(['sdxl_image_high', 'video_fast'] as const)(
    '%s failed: error stored and the reservation refunded',
    async (jobType) => {
      const before = await harness.credits();
      const { task, credential } = await harness.createJob(jobType);
      expect(await harness.credits()).toBe(before - JOB_CATALOG[jobType].credits);
      await client().send(credential, { status: 'processing' });
      const job = await client().send(credential, { status: 'failed', errorMessage: 'CUDA out of memory' });
      expect(job).toMatchObject({ status: 'failed', error: 'CUDA out of memory' });
      expect(await harness.credits()).toBe(before);
      expect(await harness.ledger(task.id)).toEqual([
        `reservation:${-JOB_CATALOG[jobType].credits}`,
        `refund:${JOB_CATALOG[jobType].credits}`,
      ]);
      expect(await harness.count('generations', task.id)).toBe(0);
    },
  );
});

describe('repeats, order and fences', () => {
  it('settles once and records one generation when completed arrives twice, then 20 times at once', async () => {
    const { task, credential } = await harness.createJob('sdxl_image_fast');
    const report = {
      status: 'completed' as const,
      imageUrls: [await outputPath(task.id, 'sdxl_image_fast')],
    };
    await client().send(credential, { status: 'processing' });
    await client().send(credential, report);
    await client().send(credential, report);
    await Promise.all(Array.from({ length: 20 }, () => client().send(credential, report)));
    expect(await harness.count('generations', task.id)).toBe(1);
    expect(await harness.count('images', task.id)).toBe(1);
    expect(await harness.ledger(task.id)).toEqual(['reservation:-1', 'settlement:0']);
  });

  it('answers 409 to processing after completed and changes nothing', async () => {
    const { task, credential } = await harness.createJob('image_fast');
    await client().send(credential, { status: 'processing' });
    await client().send(credential, {
      status: 'completed',
      outputUrl: await outputPath(task.id, 'image_fast'),
    });
    const error = await client()
      .send(credential, { status: 'processing' })
      .catch((e: unknown) => e);
    expect((error as CallbackRejectedError).status).toBe(409);
    expect((await getTask(harness.db, { taskId: task.id }))?.status).toBe('Complete');
  });

  it('fences off attempt 1 once attempt 2 has started: attempt 2 result stands', async () => {
    const { task, credential } = await harness.createJob('video_fast');
    await client().send(credential, { status: 'processing', attempt: 1, workerId: 'dead-worker' });
    await client().send(credential, { status: 'processing', attempt: 2, workerId: 'new-worker' });
    const stale = await client()
      .send(credential, {
        status: 'completed',
        attempt: 1,
        outputUrl: await outputPath(task.id, 'video_fast'),
      })
      .catch((e: unknown) => e);
    expect((stale as CallbackRejectedError).status).toBe(409);
    expect((await getTask(harness.db, { taskId: task.id }))?.status).toBe('In Progress');
    const path = await outputPath(task.id, 'video_fast');
    await client().send(credential, { status: 'completed', attempt: 2, outputUrl: path });
    const done = await getTask(harness.db, { taskId: task.id });
    expect(done).toMatchObject({
      status: 'Complete',
      workerId: 'new-worker',
      outputLocation: `video_fast/${path}`,
    });
  });

  it('answers 409 when an HTTP pull-worker holds the task', async () => {
    const { task, credential } = await harness.createJob('travel_segment', { prompt: 'dawn' });
    const claimed = await claimNextTask(harness.db, {
      workerId: 'headless-1',
      runType: 'gpu',
      registerWorker: true,
    });
    expect(claimed?.id).toBe(task.id);
    const error = await client()
      .send(credential, { status: 'processing' })
      .catch((e: unknown) => e);
    expect((error as CallbackRejectedError).isConflict).toBe(true);
    expect((await getTask(harness.db, { taskId: task.id }))?.claimedBy).toBe('http');
  });

  it('records progress while processing', async () => {
    const { task, credential } = await harness.createJob('video_high');
    await client().send(credential, { status: 'processing' });
    const job = await client().send(credential, {
      status: 'processing',
      progress: 0.4,
      workerId: 'gpu-heartbeat',
    });
    const { rows } = await harness.db.query<{ age: number }>(
      "select extract(epoch from now() - last_heartbeat)::float8 as age from public.workers where id = 'gpu-heartbeat'",
    );
    expect(rows[0]!.age).toBeLessThan(60);
    expect(job.progress).toBeCloseTo(0.4);
    expect((await getTask(harness.db, { taskId: task.id }))?.progress).toBeCloseTo(0.4);
  });
});

describe('one round trip per callback', () => {
  it('sends one statement for processing, progress and failed; completed is one transaction', async () => {
    const { task, credential } = await harness.createJob('image_fast');
    harness.takeStatements();
    await client().send(credential, { status: 'processing', workerId: 'gpu-rt' });
    expect(harness.takeStatements()).toBe(1);
    await client().send(credential, { status: 'processing', workerId: 'gpu-rt', progress: 0.5 });
    expect(harness.takeStatements()).toBe(1);
    const output = await outputPath(task.id, 'image_fast');
    harness.takeStatements();
    await client().send(credential, { status: 'completed', outputUrl: output });
    // begin, the one call, commit: the staged files are promoted before the commit.
    expect(harness.takeStatements()).toBe(3);

    const failing = await harness.createJob('video_fast');
    harness.takeStatements();
    await client().send(failing.credential, { status: 'failed', errorMessage: 'CUDA out of memory' });
    expect(harness.takeStatements()).toBe(1);
  });

  it('reads the owner first only for a task it has not seen report (one statement more)', async () => {
    const { task, credential } = await harness.createJob('image_fast');
    const output = await outputPath(task.id, 'image_fast');
    harness.takeStatements();
    await client().send(credential, { status: 'completed', outputUrl: output });
    expect(harness.takeStatements()).toBe(4);
    expect((await getTask(harness.db, { taskId: task.id }))?.status).toBe('Complete');
  });

  it('refuses a path outside the owner with 400 only where the report would apply', async () => {
    const { task, credential } = await harness.createJob('image_fast');
    const foreign = { status: 'completed' as const, attempt: 1, outputUrl: `${randomUUID()}/x.png` };
    await client().send(credential, { status: 'processing', attempt: 2 });
    const stale = await client()
      .send(credential, foreign)
      .catch((e: unknown) => e);
    expect((stale as CallbackRejectedError).status).toBe(409);
    const refused = await client()
      .send(credential, { ...foreign, attempt: 2 })
      .catch((e: unknown) => e);
    expect((refused as CallbackRejectedError).status).toBe(400);
    expect((await getTask(harness.db, { taskId: task.id }))?.status).toBe('In Progress');
    await client().send(credential, {
      status: 'completed',
      attempt: 2,
      outputUrl: await outputPath(task.id, 'image_fast'),
    });
    // A repeat of completed answers 200 with the task, whatever it reports.
    await expect(client().send(credential, { ...foreign, attempt: 2 })).resolves.toMatchObject({
      status: 'completed',
    });
  });
});

describe('authentication and bad input change nothing', () => {
  async function unchanged(
    credential: JobCredential,
    attempt: () => Promise<{ status: number }>,
    status: number,
  ) {
    const before = await getTask(harness.db, { taskId: credential.taskId });
    expect((await attempt()).status).toBe(status);
    const after = await getTask(harness.db, { taskId: credential.taskId });
    expect(after?.status).toBe(before?.status);
    expect(after?.updatedAt.getTime()).toBe(before?.updatedAt.getTime());
  }

  it('refuses unsigned, wrongly signed, tampered, stale and foreign-job requests with 401', async () => {
    const { credential } = await harness.createJob('sdxl_image_fast');
    const other = await harness.createJob('sdxl_image_fast');
    const body = JSON.stringify({ jobId: credential.taskId, status: 'failed', errorMessage: 'x' });
    const sign = (cred: JobCredential, raw: string, at?: number) =>
      signedHeaders({ token: cred.callbackToken, expiresAt: cred.callbackExpiresAt }, raw, at);
    await unchanged(credential, () => post(body, {}), 401);
    await unchanged(
      credential,
      () => post(body, { ...sign(credential, body), 'x-gpuq-signature': 'v1=00' }),
      401,
    );
    await unchanged(credential, () => post(body.replace('"x"', '"y"'), sign(credential, body)), 401);
    await unchanged(
      credential,
      () => post(body, sign(credential, body, Math.floor(Date.now() / 1000) - 301)),
      401,
    );
    await unchanged(credential, () => post(body, sign(other.credential, body)), 401);
    const response = await post(body, sign(other.credential, body));
    expect(response.body.error?.message).toMatch(/bad signature/);
  });

  it.each([
    ['path traversal', (user: string) => `${user}/../${randomUUID()}/steal.png`],
    ['another user prefix', () => `${randomUUID()}/out.png`],
    ['an absolute path', () => '/etc/passwd'],
    ['a foreign URL', () => 'https://evil.example/storage/v1/object/public/sdxl_image_fast/x.png'],
  ])('refuses %s with 400 and changes nothing', async (_name, path) => {
    const { credential } = await harness.createJob('sdxl_image_fast');
    await client().send(credential, { status: 'processing' });
    const error = await client()
      .send(credential, { status: 'completed', imageUrls: [path(harness.userId)] })
      .catch((e: unknown) => e);
    expect((error as CallbackRejectedError).status).toBe(400);
    expect((await getTask(harness.db, { taskId: credential.taskId }))?.status).toBe('In Progress');
    expect(await harness.count('images', credential.taskId)).toBe(0);
  });

  it('refuses a malformed payload with 400 naming the field', async () => {
    const { credential } = await harness.createJob('image_high');
    const error = await client()
      .send(credential, { status: 'finished' as never })
      .catch((e: unknown) => e);
    expect((error as CallbackRejectedError).status).toBe(400);
    expect(JSON.stringify((error as CallbackRejectedError).body)).toMatch(/status/);
  });
});

describe('a callback service that is down for a while', () => {
  it("lands the worker's result once it is back", async () => {
    const { task, credential } = await harness.createJob('image_fast');
    await client().send(credential, { status: 'processing' });
    await harness.stop();
    const sending = client().send(credential, {
      status: 'completed',
      outputUrl: await outputPath(task.id, 'image_fast'),
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await harness.start();
    await expect(sending).resolves.toMatchObject({ status: 'completed' });
    expect(await harness.ledger(task.id)).toEqual(['reservation:-2', 'settlement:0']);
  });
});
