/**
 * The api's public object URLs on the Supabase backend: SupabaseStorage (the real supabase-js
 * client) against the local stand-in for the Storage API, the routes called as the Headless worker
 * calls the URL it builds for an intermediate upload (common_utils.py: `<SUPABASE_URL>/storage/v1/
 * object/public/image_uploads/<storage_path>`, downloaded with `requests`, which follows redirects).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeSupabaseStorage,
  startFakeSupabaseStorage,
} from '../../test/fixtures/fake-supabase-storage.js';
import { createPublicObjectRedirects } from './public-object-redirects.js';
import { SupabaseStorage } from './supabase-storage.js';

const alice = '0b5c6a3e-8f2d-4c1a-9e7b-1d2f3a4b5c6d';
const upload = `${alice}/tasks/4f1c2d3e-0000-4000-8000-000000000001/segment_0.mp4`;
let fake: FakeSupabaseStorage;
let storage: SupabaseStorage;

beforeAll(async () => {
  fake = await startFakeSupabaseStorage();
  storage = new SupabaseStorage({ url: fake.url, serviceRoleKey: 'service-role-key-for-tests' });
});
afterAll(() => fake.close());
beforeEach(async () => {
  fake.objects.clear();
  await storage.put('travel', upload, new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112]), 'video/mp4');
  fake.requests.length = 0;
});

const routes = () =>
  createPublicObjectRedirects({
    storage,
    publicBuckets: ['travel', 'single_image'],
    publicBucketAliases: { image_uploads: ['travel', 'single_image'] },
  });

describe('public object URLs on the Supabase backend', () => {
  it('image_uploads/<storage_path> redirects to a signed URL of the object in its task bucket', async () => {
    const res = await routes().request(`/object/public/image_uploads/${upload}`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(fake.url);
    expect(location.pathname).toBe(`/storage/v1/object/sign/travel/${upload}`);
    expect(location.searchParams.get('token')).toBeTruthy();
    expect(res.headers.get('cache-control')).toBe('no-store');
    // The Storage API signed that very object.
    const signed = fake.requests.find((r) => r.path === `/storage/v1/object/sign/travel/${upload}`);
    expect(signed?.method).toBe('POST');
  });

  it('a public bucket by its own name redirects too; HEAD as well', async () => {
    expect((await routes().request(`/object/public/travel/${upload}`)).status).toBe(302);
    expect((await routes().request(`/object/public/travel/${upload}`, { method: 'HEAD' })).status).toBe(302);
  });

  it('a missing object, or a bucket that is not public, is 404; a bad path 400', async () => {
    const missing = await routes().request(`/object/public/image_uploads/${alice}/tasks/x/none.mp4`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    await storage.put('staging', upload, new Uint8Array([1]), 'video/mp4');
    expect((await routes().request(`/object/public/staging/${upload}`)).status).toBe(404);
    const traversal = await routes().request(`/object/public/travel/${alice}/..%2F..%2Fsecret`);
    expect(traversal.status).toBe(400);
  });
});
