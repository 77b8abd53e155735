import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidStoragePath } from '../errors/invalid-storage-path.js';
import { ObjectTooLarge } from '../errors/object-too-large.js';
import { StorageObjectNotFound } from '../errors/storage-object-not-found.js';
import { readObjectBytes } from '../storage.js';
import { LocalFileStorage, META_SUFFIX } from './local-file-storage.js';

const alice = '0b5c6a3e-8f2d-4c1a-9e7b-1d2f3a4b5c6d';
let root: string;
let storage: LocalFileStorage;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gpuq-storage-'));
  storage = new LocalFileStorage({ rootDir: root, baseUrl: 'http://127.0.0.1:1/storage/v1/', secret: 's' });
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('LocalFileStorage', () => {
  it('puts bytes under <root>/<bucket>/<path> and reads them back with their content type', async () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const info = await storage.put('image_fast', `${alice}/jobs/j1/out.png`, bytes, 'image/png');
    expect(info).toMatchObject({ size: 7, contentType: 'image/png' });
    expect(await readFile(join(root, 'image_fast', alice, 'jobs/j1/out.png'))).toEqual(Buffer.from(bytes));

    const object = await storage.get('image_fast', `${alice}/jobs/j1/out.png`);
    expect(object).toMatchObject({ size: 7, contentType: 'image/png' });
    expect(await readObjectBytes(object)).toEqual(bytes);
    expect(await storage.stat('image_fast', `${alice}/jobs/j1/out.png`)).toMatchObject({
      size: 7,
      contentType: 'image/png',
      updatedAt: expect.any(Date),
    });
  });

  it('keeps a content type its name does not say in a meta file beside the object', async () => {
    await storage.put('b', `${alice}/clip.bin`, new Uint8Array([1]), 'video/mp4');
    expect((await storage.stat('b', `${alice}/clip.bin`)).contentType).toBe('video/mp4');
    expect((await storage.get('b', `${alice}/clip.bin`)).contentType).toBe('video/mp4');
    const meta = JSON.parse(await readFile(join(root, 'b', alice, `clip.bin${META_SUFFIX}`), 'utf8'));
    expect(meta).toEqual({ contentType: 'video/mp4' });
  });

  it('writes no meta file when the name says the type, and reads the type back from the name', async () => {
    await storage.put('plain', `${alice}/t1/out.png`, new Uint8Array([1]), 'image/png');
    await storage.put('plain', `${alice}/t1/clip.mp4`, new Uint8Array([2]), 'video/mp4');
    expect((await readdir(join(root, 'plain', alice, 't1'))).sort()).toEqual(['clip.mp4', 'out.png']);
    expect((await storage.stat('plain', `${alice}/t1/out.png`)).contentType).toBe('image/png');
    expect((await storage.get('plain', `${alice}/t1/clip.mp4`)).contentType).toBe('video/mp4');
  });

  it('keeps an exact type that differs from the name only in case or parameters', async () => {
    await storage.put('b', `${alice}/note.txt`, new Uint8Array([1]), 'text/plain; charset=utf-8');
    expect((await storage.stat('b', `${alice}/note.txt`)).contentType).toBe('text/plain; charset=utf-8');
  });

  it('leaves no stale type when an object with a meta file is replaced by one that needs none', async () => {
    await storage.put('b', `${alice}/o.bin`, new Uint8Array([1]), 'image/png');
    await storage.put('b', `${alice}/o.bin`, new Uint8Array([2, 2]), 'application/octet-stream');
    expect((await storage.stat('b', `${alice}/o.bin`)).contentType).toBe('application/octet-stream');
    expect(await readdir(join(root, 'b', alice))).not.toContain(`o.bin${META_SUFFIX}`);
  });

  it('keeps the old object and its type when a replacement is refused', async () => {
    await storage.put('b', `${alice}/keep.bin`, new Uint8Array([1]), 'image/png');
    const tooLarge = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await expect(
      storage.put('b', `${alice}/keep.bin`, tooLarge, 'application/octet-stream', { maxBytes: 1000 }),
    ).rejects.toBeInstanceOf(ObjectTooLarge);
    expect(await storage.stat('b', `${alice}/keep.bin`)).toMatchObject({ size: 1, contentType: 'image/png' });
  });

  it('puts into a new deep folder', async () => {
    const path = `${alice}/deep/a/b/c/out.webp`;
    await storage.put('fresh', path, new Uint8Array([5, 6]), 'image/webp');
    expect(await storage.stat('fresh', path)).toMatchObject({ size: 2, contentType: 'image/webp' });
    expect(await readdir(join(root, 'fresh', alice, 'deep/a/b/c'))).toEqual(['out.webp']);
  });

  it('puts and moves with the new-folder hint into a missing folder and into one that is there', async () => {
    const first = `${alice}/hinted/a/out-0.png`;
    const second = `${alice}/hinted/a/out-1.bin`;
    // The hint right (the folder is new) and wrong (it is there): both store the object.
    await storage.put('staging', first, new Uint8Array([1]), 'image/png', { newFolder: true });
    await storage.put('staging', second, new Uint8Array([2, 3]), 'video/mp4', { newFolder: true });
    expect(await readdir(join(root, 'staging', alice, 'hinted/a'))).toEqual(
      expect.arrayContaining(['out-0.png', 'out-1.bin']),
    );
    await storage.move('staging', first, 'image_fast', first, { newFolder: true });
    await storage.move('staging', second, 'image_fast', second, { newFolder: true });
    expect(await storage.stat('image_fast', first)).toMatchObject({ size: 1, contentType: 'image/png' });
    expect(await storage.stat('image_fast', second)).toMatchObject({ size: 2, contentType: 'video/mp4' });
    expect(await storage.exists('staging', first)).toBe(false);
    expect(await readdir(join(root, 'staging', alice, 'hinted/a'))).toEqual([]);
  });

  it('leaves no folder behind when a move with the new-folder hint finds its source gone', async () => {
    const moving = storage.move('staging', `${alice}/t9/none.png`, 'image_fast', `${alice}/t9/none.png`, {
      newFolder: true,
    });
    await expect(moving).rejects.toMatchObject({ name: 'StorageObjectNotFound', bucket: 'staging' });
    expect(await readdir(join(root, 'image_fast', alice))).not.toContain('t9');
  });

  it('reads objects stored with a meta file whatever their type (as every object once was)', async () => {
    const folder = join(root, 'old', alice);
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'a.png'), new Uint8Array([1]));
    await writeFile(join(folder, `a.png${META_SUFFIX}`), JSON.stringify({ contentType: 'image/png' }));
    await writeFile(join(folder, 'b.png'), new Uint8Array([2]));
    await writeFile(join(folder, `b.png${META_SUFFIX}`), JSON.stringify({ contentType: 'image/webp' }));
    expect((await storage.get('old', `${alice}/a.png`)).contentType).toBe('image/png');
    expect((await storage.stat('old', `${alice}/b.png`)).contentType).toBe('image/webp');

    await storage.move('old', `${alice}/a.png`, 'moved', `${alice}/a.png`);
    await storage.move('old', `${alice}/b.png`, 'moved', `${alice}/b.png`);
    expect(await readdir(folder)).toEqual([]);
    expect((await storage.stat('moved', `${alice}/a.png`)).contentType).toBe('image/png');
    expect((await storage.stat('moved', `${alice}/b.png`)).contentType).toBe('image/webp');
  });

  it('falls back to the name when a meta file is broken', async () => {
    await storage.put('b', `${alice}/a.mp4`, new Uint8Array([1]), 'video/mp4');
    await writeFile(join(root, 'b', alice, `a.mp4${META_SUFFIX}`), '{"contentType"');
    expect((await storage.stat('b', `${alice}/a.mp4`)).contentType).toBe('video/mp4');
  });

  it('streams web and Node streams in', async () => {
    const web = new Blob(['hello ', 'world']).stream();
    expect((await storage.put('b', `${alice}/web.txt`, web, 'text/plain')).size).toBe(11);
    const node = Readable.from([Buffer.from('abc'), Buffer.from('def')]);
    expect((await storage.put('b', `${alice}/node.txt`, node, 'text/plain')).size).toBe(6);
    expect(Buffer.from(await readObjectBytes(await storage.get('b', `${alice}/node.txt`))).toString()).toBe(
      'abcdef',
    );
  });

  it('replaces an object atomically and leaves no temp files', async () => {
    await storage.put('b', `${alice}/r.png`, new Uint8Array([1, 1]), 'image/png');
    await storage.put('b', `${alice}/r.png`, new Uint8Array([2, 2, 2]), 'image/png');
    expect(await readObjectBytes(await storage.get('b', `${alice}/r.png`))).toEqual(
      new Uint8Array([2, 2, 2]),
    );
    const names = await readdir(join(root, 'b', alice));
    expect(names.filter((name) => name.endsWith('.gpuq-tmp'))).toEqual([]);
  });

  it('refuses a body past maxBytes, keeps the old object and removes the temp file', async () => {
    await storage.put('b', `${alice}/big.png`, new Uint8Array([9]), 'image/png');
    const chunks = Readable.from([Buffer.alloc(600), Buffer.alloc(600)]);
    await expect(
      storage.put('b', `${alice}/big.png`, chunks, 'image/png', { maxBytes: 1000 }),
    ).rejects.toBeInstanceOf(ObjectTooLarge);
    expect(await readObjectBytes(await storage.get('b', `${alice}/big.png`))).toEqual(new Uint8Array([9]));
    const names = await readdir(join(root, 'b', alice));
    expect(names.filter((name) => name.endsWith('.gpuq-tmp'))).toEqual([]);
  });

  it('reports missing objects: exists false, stat and get StorageObjectNotFound, delete harmless', async () => {
    expect(await storage.exists('b', `${alice}/none.png`)).toBe(false);
    await expect(storage.stat('b', `${alice}/none.png`)).rejects.toBeInstanceOf(StorageObjectNotFound);
    await expect(storage.get('b', `${alice}/none/x.png`)).rejects.toBeInstanceOf(StorageObjectNotFound);
    await storage.delete('b', `${alice}/none.png`);
  });

  it('deletes an object and its meta file', async () => {
    await storage.put('b', `${alice}/d.png`, new Uint8Array([1]), 'image/png');
    expect(await storage.exists('b', `${alice}/d.png`)).toBe(true);
    await storage.delete('b', `${alice}/d.png`);
    expect(await storage.exists('b', `${alice}/d.png`)).toBe(false);
    const names = await readdir(join(root, 'b', alice));
    expect(names.filter((name) => name.startsWith('d.png'))).toEqual([]);
  });

  it('moves an object to another bucket with its content type, replacing what is there', async () => {
    await storage.put('staging', `${alice}/t1/out.bin`, new Uint8Array([7, 8]), 'image/png');
    await storage.put('image_fast', `${alice}/t1/out.bin`, new Uint8Array([1]), 'video/mp4');
    const moved = await storage.move('staging', `${alice}/t1/out.bin`, 'image_fast', `${alice}/t1/out.bin`);
    expect(moved).toEqual({
      bucket: 'image_fast',
      path: `${alice}/t1/out.bin`,
      size: 2,
      contentType: 'image/png',
    });
    const object = await storage.get('image_fast', `${alice}/t1/out.bin`);
    expect(object.contentType).toBe('image/png');
    expect(await readObjectBytes(object)).toEqual(new Uint8Array([7, 8]));
    expect(await storage.exists('staging', `${alice}/t1/out.bin`)).toBe(false);
    expect(await readdir(join(root, 'staging', alice, 't1'))).toEqual([]);
  });

  it('keeps the content type of a moved object when the same staged name is stored again', async () => {
    await storage.put('staging', `${alice}/t3/out.png`, new Uint8Array([1]), 'image/png');
    await storage.move('staging', `${alice}/t3/out.png`, 'image_fast', `${alice}/t3/out.png`);
    await storage.put('staging', `${alice}/t3/out.png`, new Uint8Array([2, 3]), 'image/webp');
    expect((await storage.stat('image_fast', `${alice}/t3/out.png`)).contentType).toBe('image/png');
    expect((await storage.stat('staging', `${alice}/t3/out.png`)).contentType).toBe('image/webp');
  });

  it('moves an object stored without a meta file, leaving none on either side', async () => {
    await storage.put('staging', `${alice}/t4/out.png`, new Uint8Array([1]), 'image/png');
    const moved = await storage.move('staging', `${alice}/t4/out.png`, 'image_fast', `${alice}/t4/out.png`);
    expect(moved.contentType).toBe('image/png');
    expect((await storage.stat('image_fast', `${alice}/t4/out.png`)).contentType).toBe('image/png');
    expect(await readdir(join(root, 'image_fast', alice, 't4'))).toEqual(['out.png']);
    expect(await readdir(join(root, 'staging', alice, 't4'))).toEqual([]);
  });

  it('removes the meta file of the object a move replaces when the moved one needs none', async () => {
    await storage.put('image_fast', `${alice}/t6/out.bin`, new Uint8Array([1]), 'video/mp4');
    await storage.put('staging', `${alice}/t6/out.bin`, new Uint8Array([2, 3]), 'application/octet-stream');
    await storage.move('staging', `${alice}/t6/out.bin`, 'image_fast', `${alice}/t6/out.bin`);
    expect(await storage.stat('image_fast', `${alice}/t6/out.bin`)).toMatchObject({
      size: 2,
      contentType: 'application/octet-stream',
    });
    expect(await readdir(join(root, 'image_fast', alice, 't6'))).toEqual(['out.bin']);
  });

  it('keeps the type when a move gives the object a name that says another one', async () => {
    await storage.put('staging', `${alice}/t7/out.png`, new Uint8Array([1]), 'image/png');
    await storage.move('staging', `${alice}/t7/out.png`, 'image_fast', `${alice}/t7/renamed.bin`);
    expect((await storage.stat('image_fast', `${alice}/t7/renamed.bin`)).contentType).toBe('image/png');
    await storage.move('image_fast', `${alice}/t7/renamed.bin`, 'image_fast', `${alice}/t7/back.png`);
    expect((await storage.stat('image_fast', `${alice}/t7/back.png`)).contentType).toBe('image/png');
    expect(await readdir(join(root, 'image_fast', alice, 't7'))).toEqual(['back.png']);
  });

  it('keeps the type of an object moved onto itself', async () => {
    await storage.put('b', `${alice}/self.bin`, new Uint8Array([1]), 'image/gif');
    await storage.move('b', `${alice}/self.bin`, 'b', `${alice}/self.bin`);
    expect((await storage.stat('b', `${alice}/self.bin`)).contentType).toBe('image/gif');
  });

  it('refuses to move a missing object with StorageObjectNotFound naming the source', async () => {
    const moving = storage.move('staging', `${alice}/t2/none.png`, 'image_fast', `${alice}/t2/none.png`);
    await expect(moving).rejects.toMatchObject({ name: 'StorageObjectNotFound', bucket: 'staging' });
    expect(await storage.exists('image_fast', `${alice}/t2/none.png`)).toBe(false);
  });

  it('keeps the folders above a failed move that were there before it', async () => {
    await storage.put('staging', `${alice}/t8/out.png`, new Uint8Array([1]), 'image/png');
    await storage.put('image_fast', `${alice}/t8/kept.png`, new Uint8Array([1]), 'image/png');
    const source = await storage.stat('staging', `${alice}/t8/out.png`);
    await storage.delete('staging', source.path);
    const moving = storage.move('staging', source.path, 'image_fast', `${alice}/t8/sub/out.png`, { source });
    await expect(moving).rejects.toMatchObject({ name: 'StorageObjectNotFound' });
    expect(await readdir(join(root, 'image_fast', alice, 't8'))).toEqual(['kept.png']);
  });

  it('moves with the source info the caller read, and still names a source that is gone', async () => {
    await storage.put('staging', `${alice}/t5/out.png`, new Uint8Array([4, 5, 6]), 'image/png');
    const source = await storage.stat('staging', `${alice}/t5/out.png`);
    const moved = await storage.move('staging', source.path, 'image_fast', source.path, { source });
    expect(moved).toEqual({ bucket: 'image_fast', path: source.path, size: 3, contentType: 'image/png' });
    expect(await readObjectBytes(await storage.get('image_fast', source.path))).toEqual(
      new Uint8Array([4, 5, 6]),
    );
    expect(await storage.exists('staging', source.path)).toBe(false);
    const again = storage.move('staging', source.path, 'video_slow', source.path, { source });
    await expect(again).rejects.toMatchObject({ name: 'StorageObjectNotFound', bucket: 'staging' });
    // The folders that move made for an object it never got are gone again, the bucket's too.
    expect(await readdir(root)).not.toContain('video_slow');
  });

  it('does not treat a folder as an object', async () => {
    expect(await storage.exists('b', alice.concat('/jobs'))).toBe(false);
  });

  it.each([
    ['../escape.png', 'dot_segment'],
    [`${alice}/../../escape.png`, 'dot_segment'],
    [`/${alice}/x.png`, 'absolute'],
    [`${alice}\\x.png`, 'backslash'],
    [`${alice}/x\u0000.png`, 'nul_or_control'],
    [`${alice}//x.png`, 'empty_segment'],
    [`${alice}/x.png${META_SUFFIX}`, 'reserved_name'],
    [`${alice}/.x.png.1.gpuq-tmp`, 'reserved_name'],
    ['shared/x.png', 'missing_owner'],
  ])('refuses %j before touching the disk (%s)', async (path, reason) => {
    const attempt = storage.put('b', path, new Uint8Array([1]), 'image/png');
    await expect(attempt).rejects.toBeInstanceOf(InvalidStoragePath);
    await expect(attempt).rejects.toMatchObject({ reason });
    await expect(storage.exists('b', path)).rejects.toBeInstanceOf(InvalidStoragePath);
  });

  it('refuses bucket names that could leave the root', async () => {
    await expect(storage.put('..', `${alice}/x.png`, new Uint8Array([1]), 'image/png')).rejects.toMatchObject(
      {
        reason: 'bad_bucket',
      },
    );
  });

  it('never follows a file outside the root even if one is planted next to it', async () => {
    await writeFile(join(root, 'outside.png'), 'secret');
    await expect(storage.get('b', `${alice}/../../outside.png`)).rejects.toBeInstanceOf(InvalidStoragePath);
  });

  it('builds URLs in the routes shape with encoded segments', async () => {
    expect(storage.publicUrl('b', `${alice}/a b.png`)).toBe(
      `http://127.0.0.1:1/storage/v1/object/public/b/${alice}/a%20b.png`,
    );
    const signed = new URL(await storage.signedUrl('b', `${alice}/a.png`, 60));
    expect(signed.pathname).toBe(`/storage/v1/object/sign/b/${alice}/a.png`);
    expect(signed.searchParams.get('token')).toMatch(/^v1\.\d+\.[\w-]{43}$/);
    const upload = await storage.signedUploadUrl('b', `${alice}/a.mp4`, 600, { contentType: 'video/mp4' });
    expect(new URL(upload.url).pathname).toBe(`/storage/v1/object/upload/sign/b/${alice}/a.mp4`);
    expect(new URL(upload.url).searchParams.get('contentType')).toBe('video/mp4');
    expect(upload.expiresAt.getTime()).toBeGreaterThan(Date.now() + 590_000);
    await expect(storage.signedUrl('b', `${alice}/a.png`, 0)).rejects.toBeInstanceOf(RangeError);
  });
});
