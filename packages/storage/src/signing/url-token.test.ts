import { describe, expect, it } from 'vitest';
import { SignedUrlRejected } from '../errors/signed-url-rejected.js';
import { createUrlToken, type SignedAction, verifyUrlToken } from './url-token.js';

const secret = 'test-secret';
const now = 1_800_000_000_000;
const action: SignedAction = { method: 'GET', bucket: 'b', path: 'u/a.png', expiresAt: now / 1000 + 60 };

function rejection(token: string | undefined, asked: Omit<SignedAction, 'expiresAt'>, at = now) {
  try {
    verifyUrlToken(secret, token, asked, at);
  } catch (error) {
    expect(error).toBeInstanceOf(SignedUrlRejected);
    return (error as SignedUrlRejected).reason;
  }
  return undefined;
}

describe('url tokens', () => {
  const token = createUrlToken(secret, action);

  it('verify for the action they were made for, until they expire', () => {
    expect(rejection(token, action)).toBeUndefined();
    expect(rejection(token, action, now + 59_999)).toBeUndefined();
    expect(rejection(token, action, now + 60_000)).toBe('expired');
  });

  it('do not verify for another method, bucket, path or content type', () => {
    expect(rejection(token, { ...action, method: 'PUT' })).toBe('bad_signature');
    expect(rejection(token, { ...action, bucket: 'c' })).toBe('bad_signature');
    expect(rejection(token, { ...action, path: 'u/b.png' })).toBe('bad_signature');
    expect(rejection(token, { ...action, contentType: 'image/png' })).toBe('bad_signature');
  });

  it('do not verify with another secret or a moved expiry', () => {
    expect(rejection(createUrlToken('other', action), action)).toBe('bad_signature');
    const [version, expiry, sig] = token.split('.');
    expect(rejection(`${version}.${Number(expiry) + 3600}.${sig}`, action)).toBe('bad_signature');
  });

  it('accept only the canonical spelling of the signature', () => {
    // The last of 43 base64url characters holds 4 digest bits and 2 spare ones: flipping a spare bit
    // decodes to the same digest, and must still be refused.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = token.at(-1)!;
    const twin = alphabet[alphabet.indexOf(last) ^ 1]!;
    expect(rejection(`${token.slice(0, -1)}${twin}`, action)).toBe('bad_signature');
  });

  it('reject missing and malformed tokens', () => {
    expect(rejection(undefined, action)).toBe('missing');
    expect(rejection('nope', action)).toBe('malformed');
    expect(rejection(`${token}x`, action)).toBe('malformed');
  });
});
