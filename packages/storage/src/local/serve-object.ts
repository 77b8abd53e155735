/**
 * The GET/HEAD answer for one stored file: its bytes or one range of them (video players seek with
 * `Range`), with Content-Type, Content-Length, Accept-Ranges, Last-Modified and an ETag. The ETag lets
 * a browser revalidate (304) and makes `If-Range` safe: a player that resumes a file replaced since
 * its first request gets the whole new file, not a splice of two.
 *
 * Only the storable images and videos are served inline under their own type; anything else (an
 * object stored before the allow-list, or by a path that skipped it) goes out as
 * `application/octet-stream` with `Content-Disposition: attachment`, so a browser downloads it
 * instead of rendering it.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { DEFAULT_CONTENT_TYPE, storableMediaType } from '../content-type.js';
import { parseByteRange } from './byte-range.js';
import type { LocalFileStorage } from './local-file-storage.js';

/**
 * On every storage answer. `sandbox` gives a stored file opened as a page an opaque origin with
 * scripts off, and `default-src 'none'` lets it load nothing: even a file that got past the upload
 * checks cannot act as (or read from) the origin that serves it. `media-src 'self'` is the one
 * exception, for the browser's own document around a video opened directly: it loads the video
 * from its URL, which `default-src 'none'` alone would block (an image document needs nothing).
 */
export const SAFE_SERVING_HEADERS = {
  'Content-Security-Policy': "sandbox; default-src 'none'; media-src 'self'",
  'X-Content-Type-Options': 'nosniff',
} as const;

export interface ServeObjectRequest {
  method: string;
  headers: Headers;
  /** Cache-Control of the answer: a signed URL may be cached until it expires, no longer. */
  cacheControl: string;
}

export async function serveObject(
  storage: LocalFileStorage,
  bucket: string,
  path: string,
  request: ServeObjectRequest,
): Promise<Response> {
  const info = await storage.stat(bucket, path);
  const mediaType = storableMediaType(info.contentType);
  const headers = new Headers({
    ...SAFE_SERVING_HEADERS,
    'Accept-Ranges': 'bytes',
    'Content-Type': mediaType ?? DEFAULT_CONTENT_TYPE,
    'Cache-Control': request.cacheControl,
    // The sandboxed video document above has an opaque origin, so its load of the video is a
    // CORS request from `null`. Objects need no cookie and their URL is the credential: any origin
    // may read them, as with Supabase Storage. (The api's CORS list still answers its own origins.)
    'Access-Control-Allow-Origin': '*',
  });
  if (!mediaType) headers.set('Content-Disposition', 'attachment');
  if (info.updatedAt) headers.set('Last-Modified', info.updatedAt.toUTCString());
  // Weak: size and mtime, not a content hash (hashing a video per request is not worth it).
  const etag = `W/"${info.size.toString(16)}-${(info.updatedAt?.getTime() ?? 0).toString(16)}"`;
  headers.set('ETag', etag);
  if (matches(request.headers.get('if-none-match'), etag))
    return new Response(null, { status: 304, headers });

  const ifRange = request.headers.get('if-range');
  const rangeHeader =
    ifRange === null || ifRange === etag ? (request.headers.get('range') ?? undefined) : undefined;
  const range = parseByteRange(rangeHeader, info.size);
  if (range === 'unsatisfiable') {
    headers.set('Content-Range', `bytes */${info.size}`);
    headers.set('Content-Length', '0');
    return new Response(null, { status: 416, headers });
  }
  if (range) headers.set('Content-Range', `bytes ${range.start}-${range.end}/${info.size}`);
  const length = range ? range.end - range.start + 1 : info.size;
  headers.set('Content-Length', String(length));
  const status = range ? 206 : 200;
  if (request.method === 'HEAD' || length === 0) return new Response(null, { status, headers });

  const stream = storage.createReadStream(bucket, path, range);
  const body = Readable.toWeb(stream) as NodeWebStream<Uint8Array> as unknown as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}

function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => tag.trim() === etag);
}
