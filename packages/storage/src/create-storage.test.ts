import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStorage } from './create-storage.js';
import { StorageBackendError } from './errors/storage-backend-error.js';
import { LocalFileStorage } from './local/local-file-storage.js';
import { deriveStorageUrlSecret } from './signing/derive-secret.js';
import { SupabaseStorage } from './supabase/supabase-storage.js';

const alice = '0b5c6a3e-8f2d-4c1a-9e7b-1d2f3a4b5c6d';
let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gpuq-create-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('createStorage', () => {
  it('builds the backend the options name', () => {
    const local = createStorage({
      backend: 'local',
      rootDir: root,
      baseUrl: 'http://127.0.0.1:1/storage/v1',
    });
    expect(local).toBeInstanceOf(LocalFileStorage);
    expect(local.kind).toBe('local');
    const supabase = createStorage({ backend: 'supabase', url: 'http://127.0.0.1:1', serviceRoleKey: 'k' });
    expect(supabase).toBeInstanceOf(SupabaseStorage);
    expect(supabase.kind).toBe('supabase');
  });

  it('lets a worker write without the signing secret, and refuses to sign then', async () => {
    const local = createStorage({
      backend: 'local',
      rootDir: root,
      baseUrl: 'http://127.0.0.1:1/storage/v1',
    });
    await local.put('b', `${alice}/a.png`, new Uint8Array([1]), 'image/png');
    await expect(local.signedUrl('b', `${alice}/a.png`, 60)).rejects.toBeInstanceOf(StorageBackendError);
    await expect(local.signedUploadUrl('b', `${alice}/a.png`, 60)).rejects.toBeInstanceOf(
      StorageBackendError,
    );
  });
});

describe('deriveStorageUrlSecret', () => {
  it('is stable per master and label, and differs between them', () => {
    expect(deriveStorageUrlSecret('m')).toEqual(deriveStorageUrlSecret('m'));
    expect(deriveStorageUrlSecret('m')).not.toEqual(deriveStorageUrlSecret('n'));
    expect(deriveStorageUrlSecret('m')).not.toEqual(deriveStorageUrlSecret('m', 'other'));
    expect(deriveStorageUrlSecret('m')).toHaveLength(32);
    expect(() => deriveStorageUrlSecret('')).toThrow(RangeError);
  });
});
