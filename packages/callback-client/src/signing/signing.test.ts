import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueCallbackCredential } from './callback-credential.js';
import { signedHeaders, verifySignature } from './request-signature.js';

const secret = 'callback-secret-for-tests-0123456789';
const now = 1_800_000_000;

function signed(jobId: string, body: string, at = now) {
  const credential = issueCallbackCredential(secret, jobId, at);
  const headers = signedHeaders(credential, body, at);
  return {
    timestamp: headers['x-gpuq-timestamp'],
    signature: headers['x-gpuq-signature'],
    expiresAt: headers['x-gpuq-credential-expires'],
  };
}

describe('callback request signatures', () => {
  const jobId = randomUUID();
  const body = JSON.stringify({ jobId, status: 'completed' });

  it('accepts a request signed with the job credential', () => {
    expect(
      verifySignature({ secret, jobId, rawBody: body, headers: signed(jobId, body), nowSeconds: now + 10 }),
    ).toBeNull();
  });

  it('refuses a tampered body', () => {
    const headers = signed(jobId, body);
    const tampered = body.replace('completed', 'failed');
    expect(verifySignature({ secret, jobId, rawBody: tampered, headers, nowSeconds: now })).toBe(
      'bad signature',
    );
  });

  it("refuses job A's credential used for job B", () => {
    const other = randomUUID();
    const headers = signed(jobId, body);
    expect(verifySignature({ secret, jobId: other, rawBody: body, headers, nowSeconds: now })).toBe(
      'bad signature',
    );
  });

  it('refuses timestamps older than five minutes, and a stretched expiry', () => {
    const headers = signed(jobId, body);
    expect(verifySignature({ secret, jobId, rawBody: body, headers, nowSeconds: now + 301 })).toBe(
      'stale timestamp',
    );
    const stretched = { ...headers, expiresAt: String(Number(headers.expiresAt) + 3600) };
    expect(verifySignature({ secret, jobId, rawBody: body, headers: stretched, nowSeconds: now })).toBe(
      'bad signature',
    );
  });

  it('refuses a credential past its 24 hours', () => {
    const late = now + 24 * 3600 + 60;
    const headers = signed(jobId, body, now);
    const fresh = { ...headers, timestamp: String(late) };
    expect(verifySignature({ secret, jobId, rawBody: body, headers: fresh, nowSeconds: late })).toBe(
      'credential expired',
    );
  });

  it('refuses missing or malformed headers and another secret', () => {
    expect(verifySignature({ secret, jobId, rawBody: body, headers: {}, nowSeconds: now })).toBe(
      'missing signature headers',
    );
    const headers = signed(jobId, body);
    expect(
      verifySignature({
        secret,
        jobId,
        rawBody: body,
        headers: { ...headers, timestamp: 'soon' },
        nowSeconds: now,
      }),
    ).toBe('malformed timestamp');
    expect(verifySignature({ secret: `${secret}x`, jobId, rawBody: body, headers, nowSeconds: now })).toBe(
      'bad signature',
    );
  });
});
