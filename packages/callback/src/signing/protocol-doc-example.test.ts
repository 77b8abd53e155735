/**
 * The worked signing example of docs/CALLBACK_PROTOCOL.md, recomputed with the real code: a worker
 * author who follows the document gets exactly what the service accepts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
