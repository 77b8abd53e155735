import { describe, expect, it } from 'vitest';
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';
import { normaliseStoragePath, parseStorageLocation } from './storage-location.js';

const alice = '0b5c6a3e-8f2d-4c1a-9e7b-1d2f3a4b5c6d';
const bob = '7e8f9a0b-1c2d-4e3f-8a9b-0c1d2e3f4a5b';
const options = {
  userId: alice,
  bucket: 'video_fast',
  storageBaseUrls: ['http://127.0.0.1:8787/storage/v1', 'https://abc.supabase.co/storage/v1/'],
};

function refusal(input: string, opts = options): string | undefined {
  try {
    normaliseStoragePath(input, opts);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidStoragePath);
    return (error as InvalidStoragePath).reason;
  }
  return undefined;
}

describe('normaliseStoragePath', () => {
  it('keeps a canonical path', () => {
    expect(normaliseStoragePath(`${alice}/v/out.mp4`, options)).toBe(`${alice}/v/out.mp4`);
  });

  it('drops a leading bucket segment', () => {
    expect(normaliseStoragePath(`video_fast/${alice}/out.mp4`, options)).toBe(`${alice}/out.mp4`);
  });

  it("puts a bare relative path into the owner's folder", () => {
    expect(normaliseStoragePath('jobs/j1/out.mp4', options)).toBe(`${alice}/jobs/j1/out.mp4`);
  });

  it('reads local signed, upload and public URLs, decoding each segment', () => {
    const signed = `http://127.0.0.1:8787/storage/v1/object/sign/video_fast/${alice}/my%20clip.mp4?token=v1.1.x`;
    expect(parseStorageLocation(signed, options)).toEqual({
      bucket: 'video_fast',
      path: `${alice}/my clip.mp4`,
    });
    const upload = `http://127.0.0.1:8787/storage/v1/object/upload/sign/video_fast/${alice}/a.mp4?token=t`;
    expect(normaliseStoragePath(upload, options)).toBe(`${alice}/a.mp4`);
  });

  it('reads Supabase public and signed URLs', () => {
    const pub = `https://abc.supabase.co/storage/v1/object/public/video_fast/${alice}/a.mp4`;
    expect(normaliseStoragePath(pub, options)).toBe(`${alice}/a.mp4`);
    const signed = `https://abc.supabase.co/storage/v1/object/sign/video_fast/${alice}/a.mp4?token=eyJ`;
    expect(normaliseStoragePath(signed, options)).toBe(`${alice}/a.mp4`);
  });

  it('takes the bucket from the URL when none is given', () => {
    const url = `https://abc.supabase.co/storage/v1/object/public/image_fast/${alice}/a.png`;
    expect(parseStorageLocation(url, { ...options, bucket: undefined })).toEqual({
      bucket: 'image_fast',
      path: `${alice}/a.png`,
    });
  });

  it.each([
    [`${bob}/out.mp4`, 'foreign_owner'],
    [`video_fast/${bob}/out.mp4`, 'foreign_owner'],
    [`/${alice}/out.mp4`, 'absolute'],
    ['../../etc/passwd', 'dot_segment'],
    [`${alice}/../${bob}/x.mp4`, 'dot_segment'],
    ['a\\b.mp4', 'backslash'],
    ['a\u0000.mp4', 'nul_or_control'],
    ['', 'empty'],
    [`https://evil.example/storage/v1/object/public/video_fast/${alice}/a.mp4`, 'foreign_url'],
    [`https://abc.supabase.co/other/object/public/video_fast/${alice}/a.mp4`, 'foreign_url'],
    [`https://abc.supabase.co/storage/v1/object/public/image_fast/${alice}/a.mp4`, 'foreign_url'],
    [`https://abc.supabase.co/storage/v1/object/public/video_fast/${bob}/a.mp4`, 'foreign_owner'],
    // The URL parser resolves %2e%2e itself, so this lands in bob's folder and is refused there.
    [`http://127.0.0.1:8787/storage/v1/object/sign/video_fast/${alice}/%2e%2e/${bob}/a.mp4`, 'foreign_owner'],
    [`http://127.0.0.1:8787/storage/v1/object/sign/video_fast/${alice}/..%2F${bob}/a.mp4`, 'dot_segment'],
    [`http://127.0.0.1:8787/storage/v1/object/sign/video_fast/${alice}/%E0%A4%A`, 'bad_character'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(refusal(input)).toBe(reason);
  });

  it('refuses every URL when no storage base URL is configured', () => {
    const url = `http://127.0.0.1:8787/storage/v1/object/sign/video_fast/${alice}/a.mp4`;
    expect(refusal(url, { ...options, storageBaseUrls: [] })).toBe('foreign_url');
  });
});
