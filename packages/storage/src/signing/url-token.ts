/**
 * Signed URL tokens for the local backend: HMAC-SHA256 over what the URL allows (method, bucket,
 * path, expiry and, for uploads, the content type), keyed with a secret only the api holds. The URL
 * is the credential, so whoever has it may do exactly that one thing until it expires.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignedUrlRejected } from '../errors/signed-url-rejected.js';

export interface SignedAction {
  method: 'GET' | 'PUT';
  bucket: string;
  path: string;
  /** Unix seconds. */
  expiresAt: number;
  /** Uploads only: the one content type the PUT may send. */
  contentType?: string;
}

const VERSION = 'v1';

function signature(secret: string | Uint8Array, action: SignedAction): Buffer {
  // Newlines separate the fields: the path rules forbid control characters in buckets and paths,
  // so no two different actions can produce the same message.
  const message = [
    `gpuq-storage-${VERSION}`,
    action.method,
    action.bucket,
    action.path,
    String(action.expiresAt),
    action.contentType ?? '',
  ].join('\n');
  return createHmac('sha256', secret).update(message).digest();
}

/** `v1.<expiresAt>.<base64url signature>`: the `token` query parameter of a signed URL. */
export function createUrlToken(secret: string | Uint8Array, action: SignedAction): string {
  return `${VERSION}.${action.expiresAt}.${signature(secret, action).toString('base64url')}`;
}

/**
 * Checks a token against the action the request asks for; throws `SignedUrlRejected` unless it
 * verifies and has not expired at `nowMs`.
 */
export function verifyUrlToken(
  secret: string | Uint8Array,
  token: string | undefined,
  action: Omit<SignedAction, 'expiresAt'>,
  nowMs: number,
): void {
  if (!token) throw new SignedUrlRejected('missing');
  const match = /^v1\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw new SignedUrlRejected('malformed');
  const expiresAt = Number(match[1]);
  // Compare the encoded text, not decoded bytes: the last base64url character carries two spare
  // bits, so several spellings decode to the same digest, and only the canonical one may pass.
  const given = Buffer.from(match[2]!, 'ascii');
  const expected = Buffer.from(signature(secret, { ...action, expiresAt }).toString('base64url'), 'ascii');
  // Compare before looking at the expiry, so a forged token is reported as forged.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SignedUrlRejected('bad_signature');
  }
  if (expiresAt * 1000 <= nowMs) throw new SignedUrlRejected('expired');
}
