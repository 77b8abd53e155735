/**
 * What the storage security tests share: tasks made through the real api, job credentials as the
 * api issues them, the media fixtures, and an HTTP PUT that streams a large body the way the
 * Headless worker's `httpx.put(url, content=file)` does (Content-Length known, bytes read as sent).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { JobCredential } from '@gpuq/callback-client';
import { issueCallbackCredential } from '@gpuq/callback-client/signing';
import { ensureProfile } from '@gpuq/db';
import type { QueueJobResponse } from '@gpuq/job-types';
import { expect } from 'vitest';
import { type ApiHarness, SECRETS } from '../api-harness.js';

export const MiB = 1024 * 1024;

export function mediaFixture(name: string): Uint8Array {
  const url = new URL(`../../../../packages/storage/test/fixtures/media/${name}`, import.meta.url);
  return new Uint8Array(readFileSync(url));
}

/** A user with credits, and a task of theirs queued through queue-job. */
export async function queuedTask(api: ApiHarness, userId: string, jobType = 'image_fast') {
  await ensureProfile(api.services.db, { userId, signupCredits: 100 });
  const token = await api.token(userId);
  const response = await api.request('/functions/v1/queue-job', { token, json: { jobType } });
  expect(response.status).toBe(200);
  const { job } = (await response.json()) as QueueJobResponse;
  return { token, taskId: job.id };
}

/** The callback credential the api put in the task's BullMQ job. */
export function jobCredential(taskId: string): JobCredential {
  const { token, expiresAt } = issueCallbackCredential(SECRETS.CALLBACK_SECRET, taskId);
  return { taskId, callbackToken: token, callbackExpiresAt: expiresAt };
}

export interface StreamedPut {
  status: number;
  body: string;
  /** SHA-256 of every byte sent. */
  sha256: string;
  sentBytes: number;
}

/**
 * PUTs `head` followed by random bytes up to `totalBytes`, generated 1 MiB at a time, so neither
 * side holds the file. `declareLength: false` sends it chunked (no Content-Length). `midway` runs
 * once half is sent, before the rest: the server must be storing bytes by then.
 */
export function streamPut(
  url: string,
  options: {
    contentType: string;
    head: Uint8Array;
    totalBytes: number;
    declareLength?: boolean;
    midway?: () => Promise<void>;
  },
): Promise<StreamedPut> {
  const hash = createHash('sha256');
  const headers: Record<string, string | number> = { 'content-type': options.contentType };
  if (options.declareLength !== false) headers['content-length'] = options.totalBytes;
  return new Promise((resolve, reject) => {
    let answered = false;
    let sentBytes = 0;
    const req = request(url, { method: 'PUT', headers }, (response) => {
      answered = true;
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(parts).toString(),
          sha256: hash.digest('hex'),
          sentBytes,
        }),
      );
    });
    // The server may answer (413) and close while bytes are still going out.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const send = async (chunk: Uint8Array) => {
      hash.update(chunk);
      sentBytes += chunk.byteLength;
      if (!req.write(chunk)) await new Promise((drained) => req.once('drain', drained));
    };
    (async () => {
      await send(options.head);
      let midwayDone = !options.midway;
      while (sentBytes < options.totalBytes && !answered && !req.destroyed) {
        await send(randomBytes(Math.min(MiB, options.totalBytes - sentBytes)));
        if (!midwayDone && sentBytes >= options.totalBytes / 2) {
          midwayDone = true;
          await options.midway?.();
        }
      }
      req.end();
    })().catch((error: unknown) => (answered ? undefined : reject(error)));
  });
}

/** SHA-256 of a stored object, read back through its signed URL as a client would. */
export async function sha256OfUrl(url: string): Promise<{ status: number; sha256: string; size: number }> {
  const response = await fetch(url);
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { status: response.status, sha256: hash.digest('hex'), size };
}
