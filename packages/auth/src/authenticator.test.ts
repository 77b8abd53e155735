/** What each missing setting turns off, and which failures are 503 rather than 401. */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSigningKey } from '../test/signing-keys.js';
import { createAuthenticator } from './authenticator.js';
import { AuthError } from './errors/auth-error.js';
import { AuthUnavailableError } from './errors/auth-unavailable-error.js';
import { signDevJwt } from './jwt/sign-dev-jwt.js';

const SECRET = 'authenticator-test-secret-0123456789';
const USER = '11111111-2222-4333-8444-555555555555';

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'accepted',
    (error: unknown) => error,
  );
}

describe('createAuthenticator settings', () => {
  it('refuses HS256 tokens when no JWT secret is configured', async () => {
    const auth = createAuthenticator({});
    const error = await failure(auth.authenticate(await signDevJwt({ secret: SECRET, userId: USER })));
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).reason).toBe('algorithm');
  });

  it('refuses RS256 tokens when no JWKS is configured', async () => {
    const key = await createSigningKey('k', 'RS256');
    const auth = createAuthenticator({ jwtSecret: SECRET });
    const error = await failure(auth.authenticate(await key.sign({ sub: USER, aud: 'authenticated' })));
    expect((error as AuthError).reason).toBe('algorithm');
  });

  it('refuses algorithms outside HS256/RS256/ES256 even with the right secret', async () => {
    const token = await new SignJWT({ sub: USER, aud: 'authenticated' })
      .setProtectedHeader({ alg: 'HS512' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    const error = await failure(createAuthenticator({ jwtSecret: SECRET }).authenticate(token));
    expect((error as AuthError).reason).toBe('algorithm');
  });

  it('without a token lookup every non-JWT token is unknown', async () => {
    const error = await failure(createAuthenticator({ jwtSecret: SECRET }).authenticate('gpuq_pat_x'));
    expect((error as AuthError).reason).toBe('unknown_token');
  });

  it('a token store that fails is a 503, not a 401', async () => {
    const auth = createAuthenticator({
      lookupPersonalAccessToken: () => Promise.reject(new Error('postgres down')),
    });
    const error = await failure(auth.authenticate('gpuq_pat_x'));
    expect(error).toBeInstanceOf(AuthUnavailableError);
    expect((error as AuthUnavailableError).getResponse().status).toBe(503);
  });

  it('without SUPABASE_URL the issuer is not checked; with it, it is', async () => {
    const token = await signDevJwt({ secret: SECRET, userId: USER, issuer: 'anything' });
    expect(await createAuthenticator({ jwtSecret: SECRET }).authenticate(token)).toMatchObject({
      userId: USER,
    });
    const strict = createAuthenticator({ jwtSecret: SECRET, supabaseUrl: 'https://ref.supabase.co' });
    expect(((await failure(strict.authenticate(token))) as AuthError).reason).toBe('claims');
    const good = await signDevJwt({
      secret: SECRET,
      userId: USER,
      issuer: 'https://ref.supabase.co/auth/v1',
    });
    expect(await strict.authenticate(good)).toMatchObject({ kind: 'user', userId: USER });
  });
});
