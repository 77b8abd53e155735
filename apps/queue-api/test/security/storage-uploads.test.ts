/**
 * Large uploads through both signed-upload routes of a real queue-api (real HTTP, Postgres, Redis,
 * files): they stream to disk past the api's small JSON body limit, under a per-object limit and a
 * per-user quota, and arrive intact (SHA-256 of what was sent = SHA-256 of what is served).
 */
import { randomUUID } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createCallbackClient } from '@gpuq/callback-client';
import { storageUsedBytes } from '@gpuq/db';
import type { GenerateUploadUrlResponse } from '@gpuq/job-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { jobCredential, MiB, mediaFixture, queuedTask, sha256OfUrl, streamPut } from './storage-support.js';

const MAX_OBJECT = 64 * MiB;
const QUOTA = 100 * MiB;
const mp4 = mediaFixture('tiny.mp4');

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({
    STORAGE_MAX_OBJECT_BYTES: String(MAX_OBJECT),
    STORAGE_USER_QUOTA_BYTES: String(QUOTA),
  });
});
afterAll(async () => {
  await api?.close();
});

async function uploadUrlFor(userId: string, filename: string) {
  const { token, taskId } = await queuedTask(api, userId, 'video_fast');
  const response = await api.request('/functions/v1/generate-upload-url', {
    token,
    json: { task_id: taskId, filename, content_type: 'video/mp4' },
  });
  expect(response.status).toBe(200);
  return { taskId, ...((await response.json()) as GenerateUploadUrlResponse) };
}

/** Bytes of the temp files an upload into `folder` is writing, as the upload runs. */
async function bytesBeingWritten(folder: string): Promise<number> {
  const names = await readdir(folder).catch(() => [] as string[]);
  let total = 0;
  for (const name of names.filter((n) => n.endsWith('.gpuq-tmp'))) {
    total += (await stat(join(folder, name)).catch(() => ({ size: 0 }))).size;
  }
  return total;
}

/** Waits until the server has put at least `bytes` of the upload on disk. */
async function waitForBytesOnDisk(folder: string, bytes: number) {
  const deadline = Date.now() + 20_000;
  while ((await bytesBeingWritten(folder)) < bytes) {
    if (Date.now() > deadline) throw new Error(`fewer than ${bytes} bytes on disk in ${folder}`);
    await new Promise((next) => setTimeout(next, 50));
  }
}

const storageFolder = (bucket: string, path: string) =>
  join(api.env.GPUQ_DATA_DIR, 'storage', bucket, ...path.split('/').slice(0, -1));

describe('large signed uploads stream to disk', () => {
  it('takes a 50 MiB video through generate-upload-url, as the Headless worker PUTs it', async () => {
    const userId = randomUUID();
    const upload = await uploadUrlFor(userId, 'clip.mp4');
    const folder = storageFolder('video_fast', upload.storage_path);
    const put = await streamPut(upload.upload_url, {
      contentType: 'video/mp4',
      head: mp4,
      totalBytes: 50 * MiB,
      // Half sent, nothing finished: the first 16 MiB must already be on disk, not in memory.
      midway: () => waitForBytesOnDisk(folder, 16 * MiB),
    });
    expect(put.status, put.body).toBe(200);
    expect(JSON.parse(put.body)).toMatchObject({ path: upload.storage_path, size: 50 * MiB });

    const signed = await api.services.storage.signedUrl('video_fast', upload.storage_path, 60);
    expect(await sha256OfUrl(signed)).toEqual({ status: 200, sha256: put.sha256, size: 50 * MiB });
    expect(await storageUsedBytes(api.services.db, { userId })).toBe(50 * MiB);
  }, 120_000);

  it('takes a 50 MiB video through the job-callback upload-url of a remote worker', async () => {
    const userId = randomUUID();
    const { taskId } = await queuedTask(api, userId, 'video_fast');
    const client = createCallbackClient({ url: `${api.url}/functions/v1/job-callback` });
    const upload = await client.uploadUrl(jobCredential(taskId), {
      filename: 'video.mp4',
      contentType: 'video/mp4',
    });
    expect(upload.path).toBe(`${userId}/${taskId}/video.mp4`);
    const folder = storageFolder(upload.bucket, upload.path);
    const put = await streamPut(upload.url, {
      contentType: 'video/mp4',
      head: mp4,
      totalBytes: 50 * MiB,
      midway: () => waitForBytesOnDisk(folder, 16 * MiB),
    });
    expect(put.status, put.body).toBe(200);
    const signed = await api.services.storage.signedUrl(upload.bucket, upload.path, 60);
    expect(await sha256OfUrl(signed)).toEqual({ status: 200, sha256: put.sha256, size: 50 * MiB });
  }, 120_000);

  it('takes a few-MiB image from the callback client as a worker sends it (bytes in one body)', async () => {
    const { taskId } = await queuedTask(api, randomUUID(), 'image_fast');
    const client = createCallbackClient({ url: `${api.url}/functions/v1/job-callback` });
    const upload = await client.uploadUrl(jobCredential(taskId), {
      filename: 'image-0.png',
      contentType: 'image/png',
    });
    const png = new Uint8Array(3 * MiB);
    png.set(mediaFixture('tiny.png'));
    const response = await client.transfer(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    expect(response.status).toBe(200);
    expect((await api.services.storage.stat(upload.bucket, upload.path)).size).toBe(3 * MiB);
  });
});

describe('limits on what one upload and one user may store', () => {
  it('refuses an object over the per-object limit before reading it', async () => {
    const upload = await uploadUrlFor(randomUUID(), 'huge.mp4');
    const put = await streamPut(upload.upload_url, {
      contentType: 'video/mp4',
      head: mp4,
      totalBytes: MAX_OBJECT + 1,
    });
    expect(put.status).toBe(413);
    expect(JSON.parse(put.body)).toEqual({
      error: { code: 'payload_too_large', message: `object is larger than the limit of ${MAX_OBJECT} bytes` },
    });
    expect(put.sentBytes).toBeLessThan(MAX_OBJECT);
    expect(await api.services.storage.exists('video_fast', upload.storage_path)).toBe(false);
  }, 60_000);

  it("stops an upload that would pass the owner's quota, keeps nothing of it, and counts what stays", async () => {
    const userId = randomUUID();
    const first = await uploadUrlFor(userId, 'first.mp4');
    const stored = await streamPut(first.upload_url, {
      contentType: 'video/mp4',
      head: mp4,
      totalBytes: 60 * MiB,
    });
    expect(stored.status, stored.body).toBe(200);

    // Chunked (no length to refuse up front): stopped once it passes the 40 MiB left.
    const second = await uploadUrlFor(userId, 'second.mp4');
    const chunked = await streamPut(second.upload_url, {
      contentType: 'video/mp4',
      head: mp4,
      totalBytes: 50 * MiB,
      declareLength: false,
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error).toMatchObject({ code: 'payload_too_large' });
    expect(JSON.parse(chunked.body).error.message).toContain(
      `storage quota exceeded: ${60 * MiB} of ${QUOTA} bytes`,
    );
    expect(await api.services.storage.exists('video_fast', second.storage_path)).toBe(false);
    expect(await bytesBeingWritten(storageFolder('video_fast', second.storage_path))).toBe(0);

    // Declared length: refused before a byte is read.
    const third = await uploadUrlFor(userId, 'third.mp4');
    const declared = await streamPut(third.upload_url, {
      contentType: 'video/mp4',
      head: mp4,
      totalBytes: 41 * MiB,
    });
    expect(declared.status).toBe(413);
    expect(declared.body).toContain('storage quota exceeded');
    expect(await storageUsedBytes(api.services.db, { userId })).toBe(60 * MiB);

    // Another user is not affected by this one's use.
    const other = await uploadUrlFor(randomUUID(), 'other.mp4');
    const fits = await streamPut(other.upload_url, {
      contentType: 'video/mp4',
      head: mp4,
      totalBytes: 2 * MiB,
    });
    expect(fits.status).toBe(200);
  }, 120_000);
});
