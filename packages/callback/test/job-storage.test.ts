/**
 * The storage routes for workers without the api's disk, through real HTTP, signed requests, a real
 * Postgres and the local store's signed-URL routes: a job gets URLs only inside its own folders, a
 * foreign or stale credential gets nothing, and the URLs it gets really move the bytes.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CallbackRejectedError, createCallbackClient } from '@gpuq/callback-client';
import { issueCallbackCredential, signedHeaders } from '@gpuq/callback-client/signing';
import { STAGING_BUCKET } from '@gpuq/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_SECRET, type Harness, type JobCredential, startHarness } from './callback-harness.js';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness?.close();
});

const client = () =>
  createCallbackClient({ url: harness.url, baseDelayMs: 20, maxDelayMs: 100, maxElapsedMs: 5_000 });
// A real PNG: every signed PUT is sniffed, and must be the type it was declared as.
const png = new Uint8Array(
  readFileSync(new URL('../../storage/test/fixtures/media/tiny.png', import.meta.url)),
);

/** A raw signed POST to one of the routes, for requests the real client would never send. */
async function post(route: string, job: JobCredential, body: Record<string, unknown>, nowSeconds?: number) {
  const rawBody = JSON.stringify({ jobId: job.taskId, ...body });
  const credential = { token: job.callbackToken, expiresAt: job.callbackExpiresAt };
  const response = await fetch(`${harness.url}/${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signedHeaders(credential, rawBody, nowSeconds) },
    body: rawBody,
  });
  return {
    status: response.status,
    body: (await response.json()) as { error?: { code: string; message: string; field?: string } },
  };
}

async function rejection(promise: Promise<unknown>): Promise<CallbackRejectedError> {
  const error = await promise.catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(CallbackRejectedError);
  return error as CallbackRejectedError;
}

describe('upload-url and download-url', () => {
  it('hands out URLs that store and read the bytes (PUT, then GET)', async () => {
    const { task, credential } = await harness.createJob('sdxl_image_fast');
    const upload = await client().uploadUrl(credential, {
      filename: 'image-0.png',
      contentType: 'image/png',
    });
    // Outputs are staged: the URL writes the job's folder in the staging bucket.
    const bucket = STAGING_BUCKET;
    expect(upload).toMatchObject({ bucket, path: `${harness.userId}/${task.id}/image-0.png` });
    expect(Date.parse(upload.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);

    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: png,
    });
    expect(put.status).toBe(200);
    expect(await harness.storage.exists(bucket, upload.path)).toBe(true);

    const download = await client().downloadUrl(credential, { bucket, path: upload.path });
    expect(download).toMatchObject({ bucket, path: upload.path, size: png.length, contentType: 'image/png' });
    const got = await fetch(download.url);
    expect(got.status).toBe(200);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(png);
  });

  it('binds the upload URL to its content type', async () => {
    const { credential } = await harness.createJob('sdxl_image_fast');
    const upload = await client().uploadUrl(credential, { filename: 'a.png', contentType: 'image/png' });
    const put = await fetch(upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'video/mp4' },
      body: png,
    });
    expect(put.status).toBe(415);
  });

  it.each([
    ['../escape.png', 400],
    ['nested/image.png', 400],
    ['..', 400],
    ['...', 400],
    ['a?b.png', 400],
    ['image.png.gpuq-meta.json', 400],
  ])('refuses the filename %j: no URL outside <userId>/<taskId>/', async (filename, status) => {
    const { credential } = await harness.createJob('sdxl_image_fast');
    const answer = await post('upload-url', credential, { filename, contentType: 'image/png' });
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatchObject({ code: 'invalid_request', field: 'filename' });
  });

  it.each(['text/x-sh', 'image/svg+xml', 'text/html'])(
    'refuses %s (outside the media allow-list) with 415 naming the field',
    async (contentType) => {
      const { credential } = await harness.createJob('sdxl_image_fast');
      const answer = await post('upload-url', credential, { filename: 'out.bin', contentType });
      expect(answer.status).toBe(415);
      expect(answer.body.error).toMatchObject({ field: 'contentType' });
      expect(answer.body.error?.message).toContain('allowed: image/png, image/jpeg, image/webp, image/gif');
    },
  );

  it("refuses a download URL for another user's file, or outside any user's folder", async () => {
    const { credential } = await harness.createJob('video_fast');
    const stranger = `${randomUUID()}/private/photo.png`;
    await harness.storage.put('sdxl_image_fast', stranger, png, 'image/png');
    const foreign = await rejection(
      client().downloadUrl(credential, { bucket: 'sdxl_image_fast', path: stranger }),
    );
    expect(foreign.status).toBe(403);
    expect(foreign.body).toMatchObject({ error: { code: 'forbidden', field: 'path' } });
    expect(foreign.reason).toMatch(/another user's folder/);

    const outside = await post('download-url', credential, {
      bucket: 'sdxl_image_fast',
      path: 'shared/x.png',
    });
    expect(outside.status).toBe(403);
    const traversal = await post('download-url', credential, {
      bucket: 'sdxl_image_fast',
      path: `${harness.userId}/../${stranger}`,
    });
    expect(traversal).toMatchObject({ status: 400, body: { error: { field: 'path' } } });
    const badBucket = await post('download-url', credential, {
      bucket: '../etc',
      path: `${harness.userId}/a.png`,
    });
    expect(badBucket).toMatchObject({ status: 400, body: { error: { field: 'bucket' } } });
  });

  it("reads the owner's files in any bucket, and answers 404 for a missing one", async () => {
    const { credential } = await harness.createJob('video_fast');
    const own = `${harness.userId}/uploads/start.png`;
    await harness.storage.put('single_image', own, png, 'image/png');
    const download = await client().downloadUrl(credential, { bucket: 'single_image', path: own });
    expect(new Uint8Array(await (await fetch(download.url)).arrayBuffer())).toEqual(png);

    const missing = await rejection(
      client().downloadUrl(credential, { bucket: 'single_image', path: `${harness.userId}/nothing.png` }),
    );
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ error: { code: 'not_found', field: 'path' } });
  });

  it('refuses a stale, expired or foreign credential with 401', async () => {
    const { credential } = await harness.createJob('sdxl_image_fast');
    const body = { filename: 'a.png', contentType: 'image/png' };
    const now = Math.floor(Date.now() / 1000);

    const oldTimestamp = await post('upload-url', credential, body, now - 3600);
    expect(oldTimestamp.status).toBe(401);
    expect(oldTimestamp.body.error?.message).toMatch(/stale timestamp/);

    const expired = issueCallbackCredential(CALLBACK_SECRET, credential.taskId, now - 2 * 86_400);
    const stale = await rejection(
      client().uploadUrl(
        { taskId: credential.taskId, callbackToken: expired.token, callbackExpiresAt: expired.expiresAt },
        body,
      ),
    );
    expect(stale.status).toBe(401);
    expect(stale.reason).toMatch(/credential expired/);

    // Another job's credential cannot sign for this job.
    const other = await harness.createJob('sdxl_image_fast');
    const foreign = await post('upload-url', { ...other.credential, taskId: credential.taskId }, body);
    expect(foreign.status).toBe(401);
    expect(foreign.body.error?.message).toMatch(/bad signature/);

    const unsigned = await fetch(`${harness.url}/download-url`, {
      method: 'POST',
      body: JSON.stringify({ jobId: credential.taskId, bucket: 'x', path: 'y' }),
    });
    expect(unsigned.status).toBe(401);
  });

  it('answers an unknown job 404 and a finished one 409, as the callbacks do', async () => {
    const unknownId = randomUUID();
    const issued = issueCallbackCredential(CALLBACK_SECRET, unknownId);
    const unknown = await rejection(
      client().uploadUrl(
        { taskId: unknownId, callbackToken: issued.token, callbackExpiresAt: issued.expiresAt },
        { filename: 'a.png', contentType: 'image/png' },
      ),
    );
    expect(unknown.status).toBe(404);

    const { task, credential } = await harness.createJob('sdxl_image_fast');
    await client().send(credential, { status: 'processing', workerId: 'gpu-1' });
    await client().send(credential, { status: 'failed', workerId: 'gpu-1', errorMessage: 'boom' });
    const finished = await rejection(
      client().uploadUrl(credential, { filename: 'a.png', contentType: 'image/png' }),
    );
    expect(finished.status).toBe(409);
    expect(finished.reason).toContain(`job ${task.id} is already Failed`);
  });
});
