/** Streams a stored object into a local file (videos are read by ffmpeg from disk). */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import type { Storage } from './storage.js';

export async function downloadToFile(
  storage: Storage,
  object: { bucket: string; path: string },
  file: string,
  signal?: AbortSignal,
): Promise<void> {
  const stored = await storage.get(object.bucket, object.path);
  await pipeline(
    Readable.fromWeb(stored.body as NodeWebStream<Uint8Array>),
    createWriteStream(file),
    ...(signal ? [{ signal }] : []),
  );
}
