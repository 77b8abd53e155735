/**
 * A signed URL that does not verify: missing or malformed token, a signature made for another
 * method, bucket, path or content type, or one past its expiry. Always a 403 over HTTP; the reason is
 * for logs and tests, not to tell an attacker which part was wrong.
 */
export type SignedUrlRejectedReason = 'missing' | 'malformed' | 'bad_signature' | 'expired';

export class SignedUrlRejected extends Error {
  override readonly name = 'SignedUrlRejected';

  constructor(readonly reason: SignedUrlRejectedReason) {
    super(`signed URL rejected: ${reason.replace('_', ' ')}`);
  }
}
