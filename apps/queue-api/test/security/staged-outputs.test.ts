/**
 * What a fleet job's outputs look like from outside, through the real api (HTTP, Postgres, Redis,
 * local storage and its routes), with the job's own signed callbacks sent as a remote worker
 * (WORKER_STORAGE=api) sends them: upload URLs from the job-callback service, PUTs, reports.
 * - Uploaded outputs are staged: nothing serves them until the completed report is accepted.
 * - An owner who fails their running task is refunded, and the report that follows is refused
 *   (409) and leaves nothing readable: the public URL of the output answers 404.
 * - A completed report naming a file that was never stored, an empty one or one of the wrong type
 *   is refused with 400 naming the field, and changes nothing (status, credits, rows).
 */
import { randomUUID } from 'node:crypto';
import { CallbackRejectedError, createCallbackClient, type JobCredential } from '@gpuq/callback-client';
import { getProfile, getTask, listLedger } from '@gpuq/db';
import type { JobRecord, QueueJobData } from '@gpuq/job-types';
import { STAGING_BUCKET } from '@gpuq/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { createSingleImageTask } from './protocol-helpers.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ MAX_JOBS_IN_FLIGHT: '50', RATE_LIMIT_PER_MIN: '1000' });
}, 60_000);
afterAll(async () => {
  await api?.close();
});

const worker = () =>
  createCallbackClient({
    url: `${api.url}/functions/v1/job-callback`,
    baseDelayMs: 20,
    maxDelayMs: 100,
    maxElapsedMs: 5_000,
  });

interface Owned {
  userId: string;
  token: string;
  taskId: string;
  /** The BullMQ job's data: what a worker of the fleet holds, credential included. */
  job: QueueJobData & JobCredential;
  /** Where the task's first image is served once it is an output (single_image is a public bucket). */
  publicUrl: string;
}

/** A protocol single_image, which runs on the SDXL fleet and lands in the public bucket. */
async function fleetTask(owner?: Pick<Owned, 'userId' | 'token'>): Promise<Owned> {
  const userId = owner?.userId ?? randomUUID();
  const token = owner?.token ?? (await api.token(userId));
  const taskId = await createSingleImageTask(api, token);
  const queued = await api.services.queues.queue('sdxl_queue').getJob(taskId);
  expect(queued).toBeDefined();
  return {
    userId,
    token,
    taskId,
    job: queued!.data as QueueJobData & JobCredential,
    publicUrl: `${api.url}/storage/v1/object/public/single_image/${userId}/${taskId}/image-0.png`,
  };
}

/** What a remote worker does to store an output: an upload URL, then a PUT of the bytes. */
async function upload(owned: Owned, filename = 'image-0.png', bytes: Uint8Array = PNG) {
  const url = await worker().uploadUrl(owned.job, { filename, contentType: 'image/png' });
  const put = await fetch(url.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: bytes });
  expect(put.status).toBe(200);
  return url;
}

async function rejection(promise: Promise<unknown>): Promise<CallbackRejectedError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CallbackRejectedError);
  return error as CallbackRejectedError;
}

const credits = async (userId: string) => (await getProfile(api.services.db, userId))!.credits;
const ledger = async (owned: Owned) =>
  (await listLedger(api.services.db, { userId: owned.userId, taskId: owned.taskId })).map(
    (entry) => `${entry.kind}:${entry.amount}`,
  );
const imageRows = async (taskId: string) =>
  (
    await api.services.db.query<{ n: number }>(
      'select count(*)::int as n from public.images where task_id = $1',
      [taskId],
    )
  ).rows[0]!.n;

describe('outputs of fleet jobs are staged until the completion is accepted', () => {
  it('serves an uploaded output only after the completed report is accepted', async () => {
    const owned = await fleetTask();
    await worker().send(owned.job, { status: 'processing', attempt: 1, workerId: 'remote-gpu' });
    const staged = await upload(owned);
    expect(staged).toMatchObject({
      bucket: STAGING_BUCKET,
      path: `${owned.userId}/${owned.taskId}/image-0.png`,
    });
    // Staged: neither the output's public URL nor a public URL of the staging bucket serves it.
    expect((await fetch(owned.publicUrl)).status).toBe(404);
    const stagedPublic = `${api.url}/storage/v1/object/public/${STAGING_BUCKET}/${staged.path}`;
    expect((await fetch(stagedPublic)).status).toBe(404);

    const done = await worker().send(owned.job, {
      status: 'completed',
      attempt: 1,
      workerId: 'remote-gpu',
      imageUrls: [staged.path],
    });
    expect(done.status).toBe('completed');
    const served = await fetch(owned.publicUrl);
    expect(served.status).toBe(200);
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);
    expect(await api.services.storage.exists(STAGING_BUCKET, staged.path)).toBe(false);

    // The owner's record links it, and a later job of the owner (a travel segment) can read it.
    const record = (await (await api.request(`/v1/jobs/${owned.taskId}`, { token: owned.token })).json()) as {
      job: JobRecord;
    };
    expect((await fetch(record.job.outputs[0]!.url)).status).toBe(200);
    const reader = await fleetTask(owned);
    const download = await worker().downloadUrl(reader.job, { bucket: 'single_image', path: staged.path });
    expect(download).toMatchObject({ size: PNG.length, contentType: 'image/png' });

    // A retried report (its answer was lost) is answered as before; the output stays served.
    await expect(
      worker().send(owned.job, { status: 'completed', attempt: 1, imageUrls: [staged.path] }),
    ).resolves.toMatchObject({ status: 'completed' });
    expect((await fetch(owned.publicUrl)).status).toBe(200);

    // Were the file back in staging (a commit that failed on the way back after it had landed puts
    // it there), the worker's retry finishes the move.
    await api.services.storage.move('single_image', staged.path, STAGING_BUCKET, staged.path);
    expect((await fetch(owned.publicUrl)).status).toBe(404);
    await worker().send(owned.job, { status: 'completed', attempt: 1, imageUrls: [staged.path] });
    expect((await fetch(owned.publicUrl)).status).toBe(200);
  });

  it('refuses the completion of a task its owner failed: refunded, 409, and nothing is served', async () => {
    const owned = await fleetTask();
    const before = await credits(owned.userId);
    await worker().send(owned.job, { status: 'processing', attempt: 1, workerId: 'remote-gpu' });
    const staged = await upload(owned);

    const failed = await api.request('/functions/v1/update-task-status', {
      token: owned.token,
      json: { task_id: owned.taskId, status: 'Failed', output_location: 'changed my mind' },
    });
    expect(failed.status).toBe(200);
    const cost = (await getTask(api.services.db, { taskId: owned.taskId }))!.cost;
    expect(await credits(owned.userId)).toBe(before + cost);

    const refused = await rejection(
      worker().send(owned.job, { status: 'completed', attempt: 1, imageUrls: [staged.path] }),
    );
    expect(refused.status).toBe(409);
    expect((await fetch(owned.publicUrl)).status).toBe(404);
    expect(await api.services.storage.exists('single_image', staged.path)).toBe(false);
    expect(await api.services.storage.exists(STAGING_BUCKET, staged.path)).toBe(false);
    expect(await imageRows(owned.taskId)).toBe(0);
    expect((await getTask(api.services.db, { taskId: owned.taskId }))!.status).toBe('Failed');
    expect(await credits(owned.userId)).toBe(before + cost);
  });
});

describe('a completed report is checked against what was stored', () => {
  async function refusedCompletion(owned: Owned, report: Record<string, unknown>) {
    const before = {
      credits: await credits(owned.userId),
      ledger: await ledger(owned),
      task: await getTask(api.services.db, { taskId: owned.taskId }),
    };
    const refused = await rejection(worker().send(owned.job, { status: 'completed', attempt: 1, ...report }));
    const after = await getTask(api.services.db, { taskId: owned.taskId });
    expect(after?.status).toBe('In Progress');
    expect(after?.updatedAt.getTime()).toBe(before.task?.updatedAt.getTime());
    expect(after?.result).toEqual(before.task?.result);
    expect(await credits(owned.userId)).toBe(before.credits);
    expect(await ledger(owned)).toEqual(before.ledger);
    expect(await imageRows(owned.taskId)).toBe(0);
    return refused;
  }

  it('refuses a report naming an output that was never stored: 400 naming it, nothing changes', async () => {
    const owned = await fleetTask();
    await worker().send(owned.job, { status: 'processing', attempt: 1 });
    const missing = `${owned.userId}/${owned.taskId}/image-0.png`;
    const refused = await refusedCompletion(owned, { imageUrls: [missing] });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { code: 'invalid_request', field: 'imageUrls.0' } });
    expect(refused.reason).toContain(missing);
    expect((await fetch(owned.publicUrl)).status).toBe(404);
  });

  it('refuses one missing output among stored ones without promoting the others', async () => {
    const owned = await fleetTask();
    await worker().send(owned.job, { status: 'processing', attempt: 1 });
    const stored = await upload(owned);
    const refused = await refusedCompletion(owned, {
      imageUrls: [stored.path, `${owned.userId}/${owned.taskId}/image-1.png`],
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { field: 'imageUrls.1' } });
    expect((await fetch(owned.publicUrl)).status).toBe(404);
    // Still staged: the worker's retry with the right list completes.
    await expect(
      worker().send(owned.job, { status: 'completed', attempt: 1, imageUrls: [stored.path] }),
    ).resolves.toMatchObject({ status: 'completed' });
    expect((await fetch(owned.publicUrl)).status).toBe(200);
  });

  it('refuses an empty output and one whose type is not its kind or name', async () => {
    const owned = await fleetTask();
    await worker().send(owned.job, { status: 'processing', attempt: 1 });
    // As a worker on the api's disk (WORKER_STORAGE=local) writes them.
    const empty = `${owned.userId}/${owned.taskId}/empty.png`;
    await api.services.storage.put(STAGING_BUCKET, empty, new Uint8Array(0), 'image/png');
    const refusedEmpty = await refusedCompletion(owned, { imageUrls: [empty] });
    expect(refusedEmpty.status).toBe(400);
    expect(refusedEmpty.reason).toMatch(/imageUrls\.0: .*is empty/);

    const video = `${owned.userId}/${owned.taskId}/image-0.png`;
    await api.services.storage.put(STAGING_BUCKET, video, PNG, 'video/mp4');
    const refusedKind = await refusedCompletion(owned, { imageUrls: [video] });
    expect(refusedKind.status).toBe(400);
    expect(refusedKind.reason).toMatch(/imageUrls\.0: .*video\/mp4, not an image/);

    const misnamed = `${owned.userId}/${owned.taskId}/image-0.gif`;
    await api.services.storage.put(STAGING_BUCKET, misnamed, PNG, 'image/png');
    const refusedName = await refusedCompletion(owned, { imageUrls: [misnamed] });
    expect(refusedName.status).toBe(400);
    expect(refusedName.reason).toMatch(/imageUrls\.0: .*image\/png but its name says image\/gif/);
  });

  it("refuses an output outside the job's own folder", async () => {
    const owned = await fleetTask();
    await worker().send(owned.job, { status: 'processing', attempt: 1 });
    const elsewhere = `${owned.userId}/${randomUUID()}/image-0.png`;
    await api.services.storage.put(STAGING_BUCKET, elsewhere, PNG, 'image/png');
    const refused = await refusedCompletion(owned, { imageUrls: [elsewhere] });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: { field: 'imageUrls.0' } });
  });
});
