/**
 * queue-api with its files in Supabase Storage (SUPABASE_URL and a service key set): the URL the
 * Headless worker builds for an intermediate upload on the api's origin
 * (source/common_utils.py: `<SUPABASE_URL>/storage/v1/object/public/image_uploads/<storage_path>`,
 * which a later task downloads with `requests`) redirects to the object in its task bucket. The
 * Storage API is the local stand-in the storage package's contract tests use.
 */
import { type FakeSupabaseStorage, startFakeSupabaseStorage } from '@gpuq/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';

let fake: FakeSupabaseStorage;
let api: ApiHarness;
const owner = '0b5c6a3e-8f2d-4c1a-9e7b-1d2f3a4b5c6d';
const upload = `${owner}/tasks/4f1c2d3e-0000-4000-8000-000000000001/segment_0.mp4`;

beforeAll(async () => {
  fake = await startFakeSupabaseStorage();
  api = await startApi({ SUPABASE_URL: fake.url });
});
afterAll(async () => {
  await api?.close();
  await fake?.close();
});

describe('public object URLs on the api with Supabase Storage', () => {
  it('image_uploads/<storage_path> is a redirect to the object in its task bucket; a missing one 404', async () => {
    expect(api.services.storage.kind).toBe('supabase');
    await api.services.storage.put('travel', upload, new Uint8Array([0, 0, 0, 24]), 'video/mp4');
    const res = await api.request(`/storage/v1/object/public/image_uploads/${upload}`, {
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(fake.url);
    expect(location.pathname).toBe(`/storage/v1/object/sign/travel/${upload}`);
    const missing = await api.request(`/storage/v1/object/public/image_uploads/${owner}/tasks/x/none.mp4`, {
      redirect: 'manual',
    });
    expect(missing.status).toBe(404);
  });
});
