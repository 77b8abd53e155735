/**
 * docs/CALLBACK_PROTOCOL.md against the real code: its worked signing example is recomputed, so a
 * worker author who follows the document gets exactly what the service accepts, and its field
 * tables name exactly the fields of the schemas.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { JobCallbackPayload, QueueJobData } from '@gpuq/job-types';
import { describe, expect, it } from 'vitest';
import { deriveCallbackToken } from './callback-credential.js';
import { signBody, signedHeaders, verifySignature } from './request-signature.js';

const docPath = fileURLToPath(new URL('../../../../docs/CALLBACK_PROTOCOL.md', import.meta.url));

/** The `name  value` lines of the fenced block after `<!-- signature-example -->`. */
function exampleValues(): Record<string, string> {
  const doc = readFileSync(docPath, 'utf8');
  const block = /<!-- signature-example -->\s*```text\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/CALLBACK_PROTOCOL.md has no signature example block');
  return Object.fromEntries(
    block
      .trim()
      .split('\n')
      .map((line) => /^(\S+)\s+(.*)$/.exec(line)?.slice(1) as [string, string]),
  );
}

/** The first-column names of the tables in the section whose heading starts with `heading`. */
function tableFields(heading: string): string[] {
  const doc = readFileSync(docPath, 'utf8');
  const start = doc.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`docs/CALLBACK_PROTOCOL.md has no section "${heading}"`);
  const end = doc.indexOf('\n## ', start + 1);
  const section = doc.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(/^\| ([^|]+) \|/gm)]
    .flatMap(([, cell]) => [...(cell as string).matchAll(/`([A-Za-z]+)`/g)].map(([, name]) => name as string))
    .sort();
}

describe('the field tables of docs/CALLBACK_PROTOCOL.md', () => {
  it('name every field of the job data, and no other', () => {
    expect(tableFields('1. The job')).toEqual(Object.keys(QueueJobData.shape).sort());
  });

  it('name every field of a callback body, and no other', () => {
    expect(tableFields('2. The endpoint')).toEqual(Object.keys(JobCallbackPayload.shape).sort());
  });
});

describe('the signing example of docs/CALLBACK_PROTOCOL.md', () => {
  const example = exampleValues();

  it('names every value a worker author needs', () => {
    expect(Object.keys(example).sort()).toEqual(
      ['CALLBACK_SECRET', 'body', 'callbackToken', 'expiresAt', 'jobId', 'signature', 'timestamp'].sort(),
    );
  });

  it('gives the credential the api derives and the signature the worker sends', () => {
    const expiresAt = Number(example.expiresAt);
    const token = deriveCallbackToken(example.CALLBACK_SECRET!, example.jobId!, expiresAt);
    expect(token).toBe(example.callbackToken);
    expect(signBody(token, Number(example.timestamp), example.body!)).toBe(example.signature);
    expect(signedHeaders({ token, expiresAt }, example.body!, Number(example.timestamp))).toEqual({
      'x-gpuq-timestamp': example.timestamp,
      'x-gpuq-signature': example.signature,
      'x-gpuq-credential-expires': example.expiresAt,
    });
  });

  it('is accepted by the service at its timestamp, and its body names the job', () => {
    expect(JSON.parse(example.body!).jobId).toBe(example.jobId);
    const verify = (nowSeconds: number) =>
      verifySignature({
        secret: example.CALLBACK_SECRET!,
        jobId: example.jobId!,
        rawBody: example.body!,
        headers: {
          timestamp: example.timestamp,
          signature: example.signature,
          expiresAt: example.expiresAt,
        },
        nowSeconds,
      });
    expect(verify(Number(example.timestamp))).toBeNull();
    expect(verify(Number(example.timestamp) + 301)).toBe('stale timestamp');
  });
});
