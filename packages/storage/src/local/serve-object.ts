/**
 * The GET/HEAD answer for one stored file: its bytes or one range of them (video players seek with
 * `Range`), with Content-Type, Content-Length, Accept-Ranges and Last-Modified.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { parseByteRange } from './byte-range.js';
import type { LocalFileStorage } from './local-file-storage.js';

export interface ServeObjectRequest {
  method: string;
  rangeHeader: string | undefined;
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
  const headers = new Headers({
    'Accept-Ranges': 'bytes',
    'Content-Type': info.contentType,
    'Cache-Control': request.cacheControl,
    'X-Content-Type-Options': 'nosniff',
  });
  if (info.updatedAt) headers.set('Last-Modified', info.updatedAt.toUTCString());

  const range = parseByteRange(request.rangeHeader, info.size);
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
