/**
 * Contract tests: SupabaseStorage drives the real supabase-js client against a local HTTP server that
 * records each request and answers like Supabase Storage. The assertions are on the wire: method,
 * path, auth headers, content headers and body, as the Storage API expects them.
 */
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeSupabaseStorage,
  startFakeSupabaseStorage,
} from '../../test/fixtures/fake-supabase-storage.js';
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';
import { ObjectTooLarge } from '../errors/object-too-large.js';
import { StorageBackendError } from '../errors/storage-backend-error.js';
import { StorageObjectNotFound } from '../errors/storage-object-not-found.js';
import { readObjectBytes } from '../storage.js';
import { SUPABASE_UPLOAD_URL_SECONDS, SupabaseStorage } from './supabase-storage.js';

const alice = '0b5c6a3e-8f2d-4c1a-9e7b-1d2f3a4b5c6d';
const key = 'service-role-key-for-tests';
let fake: FakeSupabaseStorage;
let storage: SupabaseStorage;

beforeAll(async () => {
  fake = await startFakeSupabaseStorage();
  storage = new SupabaseStorage({ url: fake.url, serviceRoleKey: key, now: () => 1_800_000_000_000 });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.requests.length = 0;
  fake.objects.clear();
  fake.legacyErrors = false;
});

function only() {
  expect(fake.requests).toHaveLength(1);
  const request = fake.requests[0]!;
  // Every Storage call carries the service key twice: as the gateway's apikey and as the bearer JWT.
  expect(request.headers.apikey).toBe(key);
  expect(request.headers.authorization).toBe(`Bearer ${key}`);
  return request;
}

describe('SupabaseStorage requests', () => {
  it('uploads bytes with POST /object/<bucket>/<path>, upsert, content type and cache control', async () => {
    const bytes = new Uint8Array([137, 80, 78, 71]);
    const info = await storage.put('image_fast', `${alice}/jobs/j1/out.png`, bytes, 'image/png');
    expect(info).toEqual({
      bucket: 'image_fast',
      path: `${alice}/jobs/j1/out.png`,
      size: 4,
      contentType: 'image/png',
    });
    const request = only();
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/storage/v1/object/image_fast/${alice}/jobs/j1/out.png`);
    expect(request.headers['x-upsert']).toBe('true');
    expect(request.headers['content-type']).toBe('image/png');
    expect(request.headers['cache-control']).toBe('max-age=3600');
    expect(request.body.equals(Buffer.from(bytes))).toBe(true);
  });

  it('streams a Node stream as a chunked upload', async () => {
    const body = Readable.from([Buffer.from('frame-1 '), Buffer.from('frame-2')]);
    const info = await storage.put('video_fast', `${alice}/clip.mp4`, body, 'video/mp4');
    expect(info.size).toBe(15);
    const request = only();
    expect(request.headers['transfer-encoding']).toBe('chunked');
    expect(request.body.toString()).toBe('frame-1 frame-2');
  });

  it('breaks off a stream past maxBytes with ObjectTooLarge; nothing is stored', async () => {
    const body = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await expect(
      storage.put('video_fast', `${alice}/big.mp4`, body, 'video/mp4', { maxBytes: 1000 }),
    ).rejects.toBeInstanceOf(ObjectTooLarge);
    await expect(
      storage.put('video_fast', `${alice}/big.mp4`, new Uint8Array(1001), 'video/mp4', { maxBytes: 1000 }),
    ).rejects.toBeInstanceOf(ObjectTooLarge);
    expect(fake.objects.size).toBe(0);
  });

  it('encodes spaces in keys on the wire', async () => {
    await storage.put('image_fast', `${alice}/my image.png`, new Uint8Array([1]), 'image/png');
    expect(only().path).toBe(`/storage/v1/object/image_fast/${alice}/my%20image.png`);
    expect(fake.objects.has(`image_fast/${alice}/my image.png`)).toBe(true);
  });

  it('reads an object with GET /object/<bucket>/<path>', async () => {
    await storage.put('image_fast', `${alice}/a.png`, new Uint8Array([1, 2, 3]), 'image/png');
    fake.requests.length = 0;
    const object = await storage.get('image_fast', `${alice}/a.png`);
    expect(object).toMatchObject({ size: 3, contentType: 'image/png' });
    expect(await readObjectBytes(object)).toEqual(new Uint8Array([1, 2, 3]));
    const request = only();
    expect(request.method).toBe('GET');
    expect(request.path).toBe(`/storage/v1/object/image_fast/${alice}/a.png`);
  });

  it('stats and checks existence with GET /object/info/<bucket>/<path>', async () => {
    await storage.put('video_fast', `${alice}/v.mp4`, new Uint8Array(10), 'video/mp4');
    fake.requests.length = 0;
    expect(await storage.stat('video_fast', `${alice}/v.mp4`)).toMatchObject({
      size: 10,
      contentType: 'video/mp4',
      updatedAt: expect.any(Date),
    });
    const request = only();
    expect(request.method).toBe('GET');
    expect(request.path).toBe(`/storage/v1/object/info/video_fast/${alice}/v.mp4`);
    expect(await storage.exists('video_fast', `${alice}/v.mp4`)).toBe(true);
    expect(await storage.exists('video_fast', `${alice}/none.mp4`)).toBe(false);
  });

  it('maps a missing object to StorageObjectNotFound, in the current and the legacy error shape', async () => {
    await expect(storage.stat('video_fast', `${alice}/none.mp4`)).rejects.toBeInstanceOf(
      StorageObjectNotFound,
    );
    await expect(storage.get('video_fast', `${alice}/none.mp4`)).rejects.toBeInstanceOf(
      StorageObjectNotFound,
    );
    fake.legacyErrors = true;
    await expect(storage.stat('video_fast', `${alice}/none.mp4`)).rejects.toBeInstanceOf(
      StorageObjectNotFound,
    );
    expect(await storage.exists('video_fast', `${alice}/none.mp4`)).toBe(false);
  });

  it('maps other failures to StorageBackendError with the HTTP status', async () => {
    fake.failNext(503, { statusCode: '503', error: 'unavailable', message: 'try later' });
    const failure = storage.put('image_fast', `${alice}/a.png`, new Uint8Array([1]), 'image/png');
    await expect(failure).rejects.toBeInstanceOf(StorageBackendError);
    await expect(failure).rejects.toMatchObject({ status: 503 });
    fake.failNext(404, {
      statusCode: '404',
      code: 'NoSuchBucket',
      error: 'Bucket not found',
      message: 'Bucket not found',
    });
    await expect(storage.exists('nope', `${alice}/a.png`)).rejects.toBeInstanceOf(StorageBackendError);
  });

  it('deletes with DELETE /object/<bucket> and a prefixes body; a repeat is harmless', async () => {
    await storage.put('image_fast', `${alice}/d.png`, new Uint8Array([1]), 'image/png');
    fake.requests.length = 0;
    await storage.delete('image_fast', `${alice}/d.png`);
    const request = only();
    expect(request.method).toBe('DELETE');
    expect(request.path).toBe('/storage/v1/object/image_fast');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body.toString())).toEqual({ prefixes: [`${alice}/d.png`] });
    await storage.delete('image_fast', `${alice}/d.png`);
    expect(fake.objects.size).toBe(0);
  });

  it('moves across buckets with POST /object/move after clearing the destination', async () => {
    await storage.put('staging', `${alice}/t1/m.png`, new Uint8Array([5, 6]), 'image/png');
    await storage.put('image_fast', `${alice}/t1/m.png`, new Uint8Array([1]), 'image/png');
    fake.requests.length = 0;
    const moved = await storage.move('staging', `${alice}/t1/m.png`, 'image_fast', `${alice}/t1/m.png`);
    expect(moved).toMatchObject({ bucket: 'image_fast', path: `${alice}/t1/m.png`, size: 2 });
    const move = fake.requests.at(-1)!;
    expect(move.method).toBe('POST');
    expect(move.path).toBe('/storage/v1/object/move');
    expect(JSON.parse(move.body.toString())).toMatchObject({
      bucketId: 'staging',
      sourceKey: `${alice}/t1/m.png`,
      destinationKey: `${alice}/t1/m.png`,
      destinationBucket: 'image_fast',
    });
    expect([...fake.objects.keys()]).toEqual([`image_fast/${alice}/t1/m.png`]);
    expect(fake.objects.get(`image_fast/${alice}/t1/m.png`)!.bytes).toEqual(Buffer.from([5, 6]));
  });

  it('refuses to move a missing object with StorageObjectNotFound', async () => {
    const moving = storage.move('staging', `${alice}/t2/none.png`, 'image_fast', `${alice}/t2/none.png`);
    await expect(moving).rejects.toBeInstanceOf(StorageObjectNotFound);
  });

  it('signs downloads with POST /object/sign/<bucket>/<path> and { expiresIn }', async () => {
    await storage.put('video_fast', `${alice}/v.mp4`, new Uint8Array(1), 'video/mp4');
    fake.requests.length = 0;
    const url = await storage.signedUrl('video_fast', `${alice}/v.mp4`, 600);
    expect(url).toBe(`${fake.url}/storage/v1/object/sign/video_fast/${alice}/v.mp4?token=signed-token-1`);
    const request = only();
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/storage/v1/object/sign/video_fast/${alice}/v.mp4`);
    expect(JSON.parse(request.body.toString())).toEqual({ expiresIn: 600 });
  });

  it('signs uploads with POST /object/upload/sign/<bucket>/<path> and x-upsert', async () => {
    const upload = await storage.signedUploadUrl('video_fast', `${alice}/tasks/t1/out.mp4`, 600);
    expect(upload).toEqual({
      url: `${fake.url}/storage/v1/object/upload/sign/video_fast/${alice}/tasks/t1/out.mp4?token=upload-token-1`,
      bucket: 'video_fast',
      path: `${alice}/tasks/t1/out.mp4`,
      expiresAt: new Date(1_800_000_000_000 + SUPABASE_UPLOAD_URL_SECONDS * 1000),
    });
    const request = only();
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/storage/v1/object/upload/sign/video_fast/${alice}/tasks/t1/out.mp4`);
    expect(request.headers['x-upsert']).toBe('true');
  });

  it('builds public URLs without a request', () => {
    expect(storage.publicUrl('image_fast', `${alice}/a.png`)).toBe(
      `${fake.url}/storage/v1/object/public/image_fast/${alice}/a.png`,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('sends a new-format secret key as apikey only, never as a bearer token', async () => {
    const modern = new SupabaseStorage({ url: fake.url, serviceRoleKey: 'sb_secret_abc123' });
    await modern.exists('image_fast', `${alice}/a.png`);
    expect(fake.requests[0]?.headers.apikey).toBe('sb_secret_abc123');
    expect(fake.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('refuses bad paths before sending anything', async () => {
    for (const path of [
      `${alice}/../x.png`,
      'x.png',
      `/${alice}/x.png`,
      `${alice}/a\\b.png`,
      `${alice}/a?b.png`,
    ]) {
      await expect(storage.put('image_fast', path, new Uint8Array([1]), 'image/png')).rejects.toBeInstanceOf(
        InvalidStoragePath,
      );
      await expect(storage.signedUploadUrl('image_fast', path, 60)).rejects.toBeInstanceOf(
        InvalidStoragePath,
      );
    }
    expect(() => storage.publicUrl('../x', `${alice}/a.png`)).toThrow(InvalidStoragePath);
    expect(fake.requests).toHaveLength(0);
  });
});
