/**
 * What may be stored and how it is served, through a real queue-api (HTTP, Postgres, Redis, files):
 * only the allow-listed images and videos, only when the bytes are what the type says, served
 * sandboxed; a finished task's objects cannot be replaced; storage can live on its own origin.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createCallbackClient } from '@gpuq/callback-client';
import { claimTask, completeTask } from '@gpuq/db';
import type { GenerateUploadUrlResponse } from '@gpuq/job-types';
import { freePort } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { jobCredential, mediaFixture, queuedTask } from './storage-support.js';

const png = mediaFixture('tiny.png');
const svg = new TextEncoder().encode(
  `<svg xmlns="http://www.w3.org/2000/svg"><script>fetch('/admin/queues/api/queues/pause', { method: 'PUT' })</script></svg>`,
);
const SANDBOX = "sandbox; default-src 'none'; media-src 'self'";

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

async function generateUploadUrl(token: string, taskId: string, filename: string, contentType: string) {
  return api.request('/functions/v1/generate-upload-url', {
    token,
    json: { task_id: taskId, filename, content_type: contentType },
  });
}

async function put(url: string, body: Uint8Array, contentType: string) {
  return fetch(url, { method: 'PUT', body, headers: { 'content-type': contentType } });
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('media types an upload may have', () => {
  it.each(['image/svg+xml', 'image/svg+xml; charset=utf-8', 'text/html', 'application/xml', 'image/x-icon'])(
    'generate-upload-url refuses %s with 415 naming the field',
    async (contentType) => {
      const { token, taskId } = await queuedTask(api, randomUUID());
      const response = await generateUploadUrl(token, taskId, 'out.svg', contentType);
      expect(response.status).toBe(415);
      const body = (await response.json()) as { error: { code: string; field: string; message: string } };
      expect(body.error).toMatchObject({ code: 'invalid_request', field: 'content_type' });
      expect(body.error.message).toContain('image/png, image/jpeg, image/webp, image/gif, video/mp4');
    },
  );

  it("the job-callback upload-url refuses image/svg+xml for a remote worker's output", async () => {
    const { taskId } = await queuedTask(api, randomUUID());
    const signedPost = createCallbackClient({
      url: `${api.url}/functions/v1/job-callback`,
      maxElapsedMs: 1_000,
    });
    const error = await signedPost
      .uploadUrl(jobCredential(taskId), { filename: 'x.svg', contentType: 'image/svg+xml' })
      .catch((caught: unknown) => caught as { status?: number });
    expect(error).toMatchObject({ status: 415 });
  });

  it('refuses script sent under an image type (the bytes are sniffed), and stores nothing', async () => {
    const { token, taskId } = await queuedTask(api, randomUUID());
    const answer = await generateUploadUrl(token, taskId, 'out.png', 'image/png');
    expect(answer.status).toBe(200);
    const upload = (await answer.json()) as GenerateUploadUrlResponse;
    const spoofed = await put(upload.upload_url, svg, 'image/png');
    expect(spoofed.status).toBe(415);
    expect(await spoofed.json()).toEqual({
      error: {
        code: 'invalid_request',
        message: 'the content is not a known image or video, not the image/png it was declared as',
      },
    });
    expect(await api.services.storage.exists('image_fast', upload.storage_path)).toBe(false);

    // A real image of another type is refused too: the URL's type is what gets stored and served.
    const jpeg = await put(upload.upload_url, mediaFixture('tiny.jpg'), 'image/png');
    expect(jpeg.status).toBe(415);
    expect((await put(upload.upload_url, png, 'image/png')).status).toBe(200);
  });
});

describe('how stored objects are served', () => {
  it('serves an image inline, sandboxed and unsniffable', async () => {
    const userId = randomUUID();
    await api.services.storage.put('single_image', `${userId}/tasks/t/out.png`, png, 'image/png');
    const response = await fetch(api.services.storage.publicUrl('single_image', `${userId}/tasks/t/out.png`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-disposition')).toBeNull();
    // Read by the opaque-origin document a browser wraps around a video opened directly.
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves an SVG stored before the allow-list as a sandboxed download, never as a page', async () => {
    const userId = randomUUID();
    await api.services.storage.put('single_image', `${userId}/old.svg`, svg, 'image/svg+xml');
    const response = await fetch(api.services.storage.publicUrl('single_image', `${userId}/old.svg`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('content-disposition')).toBe('attachment');
    expect(response.headers.get('content-security-policy')).toBe(SANDBOX);
  });
});

describe("a finished task's objects stay as they are", () => {
  it('refuses a re-PUT through a still-valid generate-upload-url URL once the task is Complete', async () => {
    const { token, taskId } = await queuedTask(api, randomUUID());
    const upload = (await (
      await generateUploadUrl(token, taskId, 'out.png', 'image/png')
    ).json()) as GenerateUploadUrlResponse;
    expect((await put(upload.upload_url, png, 'image/png')).status).toBe(200);
    await claimTask(api.services.db, { taskId, workerId: 'test-worker' });
    await completeTask(api.services.db, { taskId, outputLocation: upload.storage_path });

    const replacement = new Uint8Array(png.length + 64);
    replacement.set(png);
    const again = await put(upload.upload_url, replacement, 'image/png');
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(`task ${taskId} is already Complete`),
    });
    const stored = await api.services.storage.get('image_fast', upload.storage_path);
    expect(sha256(new Uint8Array(await new Response(stored.body).arrayBuffer()))).toBe(sha256(png));
  });

  it("refuses a re-PUT through a worker's job-callback URL once the owner cancelled the job", async () => {
    const { token, taskId } = await queuedTask(api, randomUUID());
    const client = createCallbackClient({ url: `${api.url}/functions/v1/job-callback` });
    const upload = await client.uploadUrl(jobCredential(taskId), {
      filename: 'image-0.png',
      contentType: 'image/png',
    });
    expect((await put(upload.url, png, 'image/png')).status).toBe(200);
    const cancelled = await api.request(`/v1/jobs/${taskId}/cancel`, { method: 'POST', token });
    expect(cancelled.status).toBe(200);
    expect((await put(upload.url, png, 'image/png')).status).toBe(409);
  });
});

describe('storage on an origin of its own (STORAGE_PUBLIC_URL)', () => {
  let separate: ApiHarness;
  let storageOrigin: string;
  beforeAll(async () => {
    const port = await freePort();
    // Another host name for the same server: a different origin to the browser.
    storageOrigin = `http://localhost:${port}`;
    separate = await startApi({ PORT: String(port), STORAGE_PUBLIC_URL: storageOrigin });
  });
  afterAll(async () => {
    await separate?.close();
  });

  it('hands out upload and download URLs on the storage origin, and serves them only there', async () => {
    const { token, taskId } = await queuedTask(separate, randomUUID());
    const response = await separate.request('/functions/v1/generate-upload-url', {
      token,
      json: { task_id: taskId, filename: 'out.png', content_type: 'image/png' },
    });
    const upload = (await response.json()) as GenerateUploadUrlResponse;
    expect(upload.upload_url.startsWith(`${storageOrigin}/storage/v1/object/upload/sign/`)).toBe(true);
    expect((await put(upload.upload_url, png, 'image/png')).status).toBe(200);

    const signed = await separate.services.storage.signedUrl('image_fast', upload.storage_path, 60);
    expect(signed.startsWith(`${storageOrigin}/storage/v1/`)).toBe(true);
    expect((await fetch(signed)).status).toBe(200);
    const onApiOrigin = signed.replace(storageOrigin, separate.url);
    const refused = await fetch(onApiOrigin);
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({
      error: { code: 'not_found', message: `storage is served at ${storageOrigin}, not here` },
    });
  });

  it('serves nothing but storage on the storage origin (no api, no operator pages)', async () => {
    for (const path of ['/admin/login', '/admin/queues', '/functions/v1/task-counts', '/v1/jobs']) {
      const response = await fetch(`${storageOrigin}${path}`);
      expect(response.status, path).toBe(404);
    }
    expect((await fetch(`${separate.url}/admin/login`)).status).toBe(200);
  });
});
