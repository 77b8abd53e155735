/**
 * The local backend over real HTTP: a parent Hono app mounts the routes at /storage/v1 as queue-api
 * does, @hono/node-server serves it on a free port, and plain fetch plays the browser or worker.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@gpuq/testing';
import { type ServerType, serve } from '@hono/node-server';
import { StorageClient } from '@supabase/storage-js';
import { Hono } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readObjectBytes } from '../storage.js';
import { LocalFileStorage } from './local-file-storage.js';
import { createStorageRoutes } from './storage-routes.js';

const alice = '0b5c6a3e-8f2d-4c1a-9e7b-1d2f3a4b5c6d';
const secret = 'routes-test-secret';
const video = randomBytes(256 * 1024);
const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../../test/fixtures/media/${name}`, import.meta.url)));
/** A real PNG's bytes, padded with zeros to `size` (the sniffer reads only the start). */
const pngOfSize = (size: number) => {
  const padded = new Uint8Array(size);
  padded.set(fixture('tiny.png'));
  return padded;
};
let clock = Date.now();
let root: string;
let base: string;
let server: ServerType;
let storage: LocalFileStorage;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gpuq-routes-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}/storage/v1`;
  storage = new LocalFileStorage({ rootDir: root, baseUrl: base, secret, now: () => clock });
  const app = new Hono().route(
    '/storage/v1',
    createStorageRoutes({
      storage,
      secret,
      maxUploadBytes: 64 * 1024,
      publicBuckets: ['showcase'],
      now: () => clock,
    }),
  );
  await new Promise<void>((listening) => {
    server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' }, () => listening());
  });
  await storage.put('video_fast', `${alice}/clip.mp4`, video, 'video/mp4');
  await storage.put('showcase', `${alice}/hero.png`, new Uint8Array([1, 2, 3]), 'image/png');
});
afterAll(async () => {
  // fetch keeps connections alive; drop them so close() need not wait for their idle timeout.
  (server as import('node:http').Server).closeAllConnections();
  await new Promise((closed) => server.close(closed));
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  clock = Date.now();
});

async function errorCode(response: Response): Promise<string> {
  return ((await response.json()) as { error: { code: string } }).error.code;
}

describe('signed GET', () => {
  it('serves the file with its type and length', async () => {
    const response = await fetch(await storage.signedUrl('video_fast', `${alice}/clip.mp4`, 60));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe(String(video.length));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('cache-control')).toMatch(/^private, max-age=(59|60)$/);
    expect(Buffer.from(await response.arrayBuffer()).equals(video)).toBe(true);
  });

  it('serves the stored type, whether the name says it or a meta file does, also after a move', async () => {
    const png = fixture('tiny.png');
    await storage.put('staging', `${alice}/t1/named.png`, png, 'image/png');
    await storage.put('staging', `${alice}/t1/unnamed.bin`, png, 'image/png');
    await storage.move('staging', `${alice}/t1/named.png`, 'image_fast', `${alice}/t1/named.png`);
    await storage.move('staging', `${alice}/t1/unnamed.bin`, 'image_fast', `${alice}/t1/unnamed.bin`);
    for (const name of ['named.png', 'unnamed.bin']) {
      const response = await fetch(await storage.signedUrl('image_fast', `${alice}/t1/${name}`, 60));
      expect(response.status, name).toBe(200);
      expect(response.headers.get('content-type'), name).toBe('image/png');
      expect(response.headers.get('content-disposition'), name).toBeNull();
      expect(new Uint8Array(await response.arrayBuffer()), name).toEqual(png);
    }
  });

  it('answers HEAD with the headers and no body', async () => {
    const response = await fetch(await storage.signedUrl('video_fast', `${alice}/clip.mp4`, 60), {
      method: 'HEAD',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(video.length));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('refuses the URL once it has expired', async () => {
    const url = await storage.signedUrl('video_fast', `${alice}/clip.mp4`, 60);
    clock += 61_000;
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('forbidden');
  });

  it('refuses tampered URLs: another path, a changed signature, a moved expiry, no token', async () => {
    await storage.put('video_fast', `${alice}/other.mp4`, new Uint8Array([1]), 'video/mp4');
    const url = new URL(await storage.signedUrl('video_fast', `${alice}/clip.mp4`, 60));
    const token = url.searchParams.get('token')!;
    const [version, expiry, signature] = token.split('.') as [string, string, string];

    const otherPath = new URL(url);
    otherPath.pathname = otherPath.pathname.replace('clip.mp4', 'other.mp4');
    const flipped = new URL(url);
    const last = signature.at(-1) === 'A' ? 'B' : 'A';
    flipped.searchParams.set('token', `${version}.${expiry}.${signature.slice(0, -1)}${last}`);
    const extended = new URL(url);
    extended.searchParams.set('token', `${version}.${Number(expiry) + 86_400}.${signature}`);
    const bare = new URL(url);
    bare.search = '';

    for (const tampered of [otherPath, flipped, extended, bare]) {
      const response = await fetch(tampered);
      expect(response.status, tampered.href).toBe(403);
    }
  });

  it('refuses an upload URL used for a download', async () => {
    const upload = await storage.signedUploadUrl('video_fast', `${alice}/clip.mp4`, 60);
    const download = upload.url.replace('/object/upload/sign/', '/object/sign/');
    expect((await fetch(download)).status).toBe(403);
  });

  it('answers 404 for a validly signed URL of a missing object', async () => {
    const response = await fetch(await storage.signedUrl('video_fast', `${alice}/missing.mp4`, 60));
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('not_found');
  });

  it('answers 400 for a traversal attempt, whatever the token', async () => {
    const url = `${base}/object/sign/video_fast/${alice}/..%2F..%2Fsecret.txt?token=v1.1.x`;
    const response = await fetch(url);
    expect(response.status).toBe(400);
    expect(await errorCode(response)).toBe('invalid_request');
  });
});

describe('Range requests (video seeking)', () => {
  async function ranged(range: string) {
    return fetch(await storage.signedUrl('video_fast', `${alice}/clip.mp4`, 60), { headers: { range } });
  }

  it('serves a range from the middle with 206 and Content-Range', async () => {
    const response = await ranged('bytes=1000-1999');
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 1000-1999/${video.length}`);
    expect(response.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await response.arrayBuffer()).equals(video.subarray(1000, 2000))).toBe(true);
  });

  it('serves an open range and a suffix range', async () => {
    const open = await ranged(`bytes=${video.length - 10}-`);
    expect(open.status).toBe(206);
    expect(Buffer.from(await open.arrayBuffer()).equals(video.subarray(-10))).toBe(true);
    const suffix = await ranged('bytes=-4');
    expect(suffix.headers.get('content-range')).toBe(
      `bytes ${video.length - 4}-${video.length - 1}/${video.length}`,
    );
    expect(Buffer.from(await suffix.arrayBuffer()).equals(video.subarray(-4))).toBe(true);
  });

  it('answers 416 past the end, naming the size', async () => {
    const response = await ranged(`bytes=${video.length}-`);
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${video.length}`);
  });

  it('revalidates with the ETag, and ignores a Range whose If-Range names an older file', async () => {
    const url = await storage.signedUrl('video_fast', `${alice}/clip.mp4`, 60);
    const etag = (await fetch(url, { method: 'HEAD' })).headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]+-[0-9a-f]+"$/);
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);

    const current = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': etag } });
    expect(current.status).toBe(206);
    await current.arrayBuffer();
    const stale = await fetch(url, { headers: { range: 'bytes=0-9', 'if-range': 'W/"0-0"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(video.length);
  });

  it('serves the whole file for multiple ranges', async () => {
    const response = await ranged('bytes=0-1,5-6');
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(video.length);
  });
});

describe('signed PUT uploads', () => {
  const png = fixture('tiny.png');

  it('stores the bytes under the signed path with the sent content type', async () => {
    const upload = await storage.signedUploadUrl('image_fast', `${alice}/tasks/t1/out.png`, 600, {
      contentType: 'image/png',
    });
    const response = await fetch(upload.url, {
      method: 'PUT',
      body: png,
      headers: { 'content-type': 'image/png' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      Key: `image_fast/${alice}/tasks/t1/out.png`,
      path: `${alice}/tasks/t1/out.png`,
      size: png.length,
    });
    const stored = await storage.get('image_fast', `${alice}/tasks/t1/out.png`);
    expect(stored.contentType).toBe('image/png');
    expect(await readObjectBytes(stored)).toEqual(png);
  });

  it('accepts a streamed (chunked) body of unknown length', async () => {
    const upload = await storage.signedUploadUrl('image_fast', `${alice}/streamed.png`, 600);
    const body = new Blob([png, png]).stream();
    const response = await fetch(upload.url, {
      method: 'PUT',
      body,
      headers: { 'content-type': 'image/png' },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(200);
    expect((await storage.stat('image_fast', `${alice}/streamed.png`)).size).toBe(png.length * 2);
  });

  it('refuses a declared length over the limit with 413 before reading it', async () => {
    const upload = await storage.signedUploadUrl('image_fast', `${alice}/big.png`, 600);
    const response = await fetch(upload.url, {
      method: 'PUT',
      body: pngOfSize(64 * 1024 + 1),
      headers: { 'content-type': 'image/png' },
    });
    expect(response.status).toBe(413);
    expect(await errorCode(response)).toBe('payload_too_large');
    expect(await storage.exists('image_fast', `${alice}/big.png`)).toBe(false);
  });

  it('stops a chunked body at the limit and stores nothing', async () => {
    const upload = await storage.signedUploadUrl('image_fast', `${alice}/big-stream.png`, 600);
    const chunks = [pngOfSize(40 * 1024), new Uint8Array(40 * 1024)];
    const response = await fetch(upload.url, {
      method: 'PUT',
      body: new Blob(chunks).stream(),
      headers: { 'content-type': 'image/png' },
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await storage.exists('image_fast', `${alice}/big-stream.png`)).toBe(false);
    const names = await readdir(join(root, 'image_fast', alice));
    expect(names.filter((name) => name.includes('big-stream'))).toEqual([]);
  });

  it('refuses a content type other than the one the URL was made for, and types not allowed', async () => {
    const bound = await storage.signedUploadUrl('image_fast', `${alice}/typed.png`, 600, {
      contentType: 'image/png',
    });
    const wrong = await fetch(bound.url, {
      method: 'PUT',
      body: png,
      headers: { 'content-type': 'image/jpeg' },
    });
    expect(wrong.status).toBe(415);

    const open = await storage.signedUploadUrl('image_fast', `${alice}/page.html`, 600);
    const html = await fetch(open.url, {
      method: 'PUT',
      body: '<script>',
      headers: { 'content-type': 'text/html' },
    });
    expect(html.status).toBe(415);
    expect(await storage.exists('image_fast', `${alice}/page.html`)).toBe(false);
  });

  it('refuses a bound content type swapped in the URL', async () => {
    const bound = await storage.signedUploadUrl('image_fast', `${alice}/swap.png`, 600, {
      contentType: 'image/png',
    });
    const swapped = new URL(bound.url);
    swapped.searchParams.set('contentType', 'video/mp4');
    const response = await fetch(swapped, {
      method: 'PUT',
      body: png,
      headers: { 'content-type': 'video/mp4' },
    });
    expect(response.status).toBe(403);
  });

  it('refuses expired upload URLs, download URLs used for upload, and empty bodies', async () => {
    const upload = await storage.signedUploadUrl('image_fast', `${alice}/late.png`, 60);
    clock += 120_000;
    const late = await fetch(upload.url, {
      method: 'PUT',
      body: png,
      headers: { 'content-type': 'image/png' },
    });
    expect(late.status).toBe(403);
    clock = Date.now();

    const download = await storage.signedUrl('image_fast', `${alice}/late.png`, 60);
    const asUpload = download.replace('/object/sign/', '/object/upload/sign/');
    const misused = await fetch(asUpload, {
      method: 'PUT',
      body: png,
      headers: { 'content-type': 'image/png' },
    });
    expect(misused.status).toBe(403);

    const fresh = await storage.signedUploadUrl('image_fast', `${alice}/empty.png`, 60);
    const empty = await fetch(fresh.url, {
      method: 'PUT',
      body: '',
      headers: { 'content-type': 'image/png' },
    });
    expect(empty.status).toBe(400);
    expect(await storage.exists('image_fast', `${alice}/late.png`)).toBe(false);
  });
});

describe('what a browser may do with a stored file', () => {
  const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>';

  it('refuses script-bearing types, and script sent under an image type', async () => {
    for (const [name, contentType] of [
      ['a.svg', 'image/svg+xml'],
      ['b.png', 'image/png'],
    ] as const) {
      const upload = await storage.signedUploadUrl('image_fast', `${alice}/${name}`, 600);
      const response = await fetch(upload.url, {
        method: 'PUT',
        body: svg,
        headers: { 'content-type': contentType },
      });
      expect(response.status, contentType).toBe(415);
      expect(await storage.exists('image_fast', `${alice}/${name}`)).toBe(false);
    }
  });

  it('serves objects sandboxed, and a type it does not show inline as a download', async () => {
    // An object stored before the allow-list existed.
    await storage.put('showcase', `${alice}/old.svg`, new TextEncoder().encode(svg), 'image/svg+xml');
    const old = await fetch(storage.publicUrl('showcase', `${alice}/old.svg`));
    expect(old.status).toBe(200);
    expect(old.headers.get('content-type')).toBe('application/octet-stream');
    expect(old.headers.get('content-disposition')).toBe('attachment');
    const image = await fetch(storage.publicUrl('showcase', `${alice}/hero.png`));
    expect(image.headers.get('content-disposition')).toBeNull();
    const missing = await fetch(storage.publicUrl('showcase', `${alice}/none.png`));
    for (const response of [old, image, missing]) {
      expect(response.headers.get('content-security-policy')).toBe(
        "sandbox; default-src 'none'; media-src 'self'",
      );
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});

describe('Supabase client compatibility', () => {
  it("lets storage-js's uploadToSignedUrl upload through a local signed URL", async () => {
    const upload = await storage.signedUploadUrl('image_fast', `${alice}/from-storage-js.png`, 600);
    const token = new URL(upload.url).searchParams.get('token')!;
    const client = new StorageClient(base, {});
    const bytes = fixture('tiny.png');
    const result = await client
      .from('image_fast')
      .uploadToSignedUrl(`${alice}/from-storage-js.png`, token, bytes, { contentType: 'image/png' });
    expect(result.error).toBeNull();
    expect(await readObjectBytes(await storage.get('image_fast', `${alice}/from-storage-js.png`))).toEqual(
      bytes,
    );
  });
});

describe('public buckets', () => {
  it('serves listed buckets without a signature and hides the others', async () => {
    const response = await fetch(storage.publicUrl('showcase', `${alice}/hero.png`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect((await fetch(storage.publicUrl('video_fast', `${alice}/clip.mp4`))).status).toBe(404);
  });
});
