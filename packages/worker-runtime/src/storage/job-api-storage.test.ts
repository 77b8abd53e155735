/**
 * What a worker's api-backed storage refuses on its own, before any request: writes outside its
 * job's `<userId>/<taskId>/` folder in the staging bucket, and the operations a job credential never allows.
 * The requests themselves are covered through the real service (packages/callback/test) and by the
 * worker apps' remote-storage tests.
 */
import { randomUUID } from 'node:crypto';
import type { CallbackClient } from '@gpuq/callback-client';
import { parseEnv } from '@gpuq/config';
import { InvalidStoragePath, STAGING_BUCKET } from '@gpuq/storage';
import { describe, expect, it } from 'vitest';
import { SharedWorkerSettings } from '../worker-env.js';
import { JobApiStorage } from './job-api-storage.js';
import { NotAvailableOnWorker } from './not-available-on-worker.js';

const job = {
  taskId: randomUUID(),
  userId: randomUUID(),
  bucket: 'sdxl_image_fast',
  callbackToken: 'v1.token',
  callbackExpiresAt: 2_000_000_000,
};

/** A client that records what it was asked; any call fails the refusal tests below. */
function recordingClient(calls: string[]): CallbackClient {
  const record = (name: string) => async () => {
    calls.push(name);
    throw new Error(`${name} should not have been called`);
  };
  return {
    send: record('send'),
    uploadUrl: record('uploadUrl'),
    downloadUrl: record('downloadUrl'),
    transfer: record('transfer'),
  };
}

describe('JobApiStorage', () => {
  const png = new Uint8Array([1, 2, 3]);

  it.each([
    ['another bucket', 'video_fast', `${job.userId}/${job.taskId}/a.png`],
    ["the job's final bucket (outputs are staged)", job.bucket, `${job.userId}/${job.taskId}/a.png`],
    ["another task's folder", STAGING_BUCKET, `${job.userId}/${randomUUID()}/a.png`],
    ["another user's folder", STAGING_BUCKET, `${randomUUID()}/${job.taskId}/a.png`],
    ['a nested file', STAGING_BUCKET, `${job.userId}/${job.taskId}/deep/a.png`],
    ['the folder itself', STAGING_BUCKET, `${job.userId}/${job.taskId}`],
    ['a traversal', STAGING_BUCKET, `${job.userId}/${job.taskId}/../x/a.png`],
  ])('refuses to write into %s without asking the api', async (_what, bucket, path) => {
    const calls: string[] = [];
    const storage = new JobApiStorage({ client: recordingClient(calls), job });
    await expect(storage.put(bucket, path, png, 'image/png')).rejects.toBeInstanceOf(InvalidStoragePath);
    expect(calls).toEqual([]);
  });

  it('says clearly which operations a worker does not have', async () => {
    const storage = new JobApiStorage({ client: recordingClient([]), job });
    await expect(storage.delete()).rejects.toBeInstanceOf(NotAvailableOnWorker);
    await expect(storage.move()).rejects.toBeInstanceOf(NotAvailableOnWorker);
    await expect(storage.signedUrl()).rejects.toThrow(/storage.signedUrl is not available on a worker/);
    await expect(storage.signedUploadUrl()).rejects.toBeInstanceOf(NotAvailableOnWorker);
    expect(() => storage.publicUrl()).toThrow(NotAvailableOnWorker);
    expect(storage.kind).toBe('api');
  });
});

describe('WORKER_STORAGE', () => {
  const base = { REDIS_URL: 'redis://127.0.0.1:6379' };

  it('defaults to local and accepts api', () => {
    expect(parseEnv('worker', SharedWorkerSettings, base).WORKER_STORAGE).toBe('local');
    expect(parseEnv('worker', SharedWorkerSettings, { ...base, WORKER_STORAGE: 'api' }).WORKER_STORAGE).toBe(
      'api',
    );
  });

  it('names a wrong value at start-up', () => {
    expect(() => parseEnv('worker', SharedWorkerSettings, { ...base, WORKER_STORAGE: 'nfs' })).toThrow(
      /WORKER_STORAGE: .*got "nfs"/,
    );
  });
});
