/**
 * The verified-token cache: an entry ends at the token's `exp` or after `maxAgeMs`, whichever is
 * first; and through the authenticator, a remembered token never lets a different one in.
 */
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import { AuthError } from '../errors/auth-error.js';
import { signDevJwt } from './sign-dev-jwt.js';
import { createVerifiedTokenCache } from './verified-token-cache.js';

const SECRET = 'verified-token-cache-test-secret-0123';
const USER = '11111111-2222-4333-8444-555555555555';
const PRINCIPAL = { kind: 'user', userId: USER, via: 'jwt' } as const;

describe('createVerifiedTokenCache', () => {
  it('forgets a token at its exp, and after maxAgeMs when exp is later', () => {
    let now = 1_000_000;
    const cache = createVerifiedTokenCache({ maxAgeMs: 60_000, now: () => now });
    cache.set('short', PRINCIPAL, now + 5_000);
    cache.set('long', PRINCIPAL, now + 3_600_000);
    expect(cache.get('short')).toEqual(PRINCIPAL);
    now += 5_000;
    expect(cache.get('short')).toBeUndefined();
    expect(cache.get('long')).toEqual(PRINCIPAL);
    now += 55_000;
    expect(cache.get('long')).toBeUndefined();
  });

  it('keeps nothing for a token already expired, and at most maxEntries tokens', () => {
    const cache = createVerifiedTokenCache({ maxEntries: 2 });
    cache.set('expired', PRINCIPAL, Date.now() - 1);
    expect(cache.get('expired')).toBeUndefined();
    for (const token of ['a', 'b', 'c']) cache.set(token, PRINCIPAL, Date.now() + 60_000);
    expect(['a', 'b', 'c'].map((token) => cache.get(token) !== undefined)).toEqual([false, true, true]);
  });
});

describe('the authenticator with its cache', () => {
  it('answers a repeated token from the cache and still refuses a tampered copy of it', async () => {
    const auth = createAuthenticator({ jwtSecret: SECRET });
    const token = await signDevJwt({ secret: SECRET, userId: USER });
    expect(await auth.authenticate(token)).toMatchObject({ kind: 'user', userId: USER });
    expect(await auth.authenticate(token)).toMatchObject({ kind: 'user', userId: USER });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await auth.authenticate(`${header}.${payload}.${flipped}`).catch((error) => error);
    expect(refused).toBeInstanceOf(AuthError);
  });
});
