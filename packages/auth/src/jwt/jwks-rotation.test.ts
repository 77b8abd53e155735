/**
 * Key rotation against a real JWKS endpoint, without restarting: the old and new keys both verify
 * during the overlap, an unknown kid refetches the set at most once per cooldown (and concurrent
 * misses share one fetch), a retired key stops verifying once the cache ages out, and an endpoint
 * that is down is a 503, not a 401.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type JwksServer, startJwksServer } from '../../test/jwks-server.js';
import { createSigningKey, type SigningKey } from '../../test/signing-keys.js';
import { type Authenticator, createAuthenticator } from '../authenticator.js';
import { AuthError } from '../errors/auth-error.js';
import { AuthUnavailableError } from '../errors/auth-unavailable-error.js';

const COOLDOWN_MS = 600;
const CACHE_MAX_AGE_MS = 2_000;
const USER = 'a9a9a9a9-0000-4000-8000-000000000001';

let jwks: JwksServer;
let oldKey: SigningKey;
let newKey: SigningKey;
let auth: Authenticator;

beforeAll(async () => {
  jwks = await startJwksServer();
  [oldKey, newKey] = await Promise.all([createSigningKey('old', 'ES256'), createSigningKey('new', 'RS256')]);
  auth = createAuthenticator({
    jwksUrl: jwks.url,
    jwks: { cooldownMs: COOLDOWN_MS, cacheMaxAgeMs: CACHE_MAX_AGE_MS, timeoutMs: 1_000 },
  });
});

afterAll(async () => {
  await jwks?.close();
});

const claims = { sub: USER, aud: 'authenticated', role: 'authenticated' };

async function reason(token: string): Promise<string> {
  const error = await auth.authenticate(token).then(
    () => 'accepted',
    (e: unknown) => (e instanceof AuthError ? e.reason : String(e)),
  );
  return error;
}

it('rotates keys without a restart, refetching at most once per cooldown', async () => {
  jwks.publish([oldKey.jwk]);
  const oldToken = await oldKey.sign(claims);
  const newToken = await newKey.sign(claims);

  expect(await reason(oldToken)).toBe('accepted');
  expect(jwks.fetches).toBe(1);

  // The new key is not published yet, and the set was just fetched: no refetch, 401.
  const misses = await Promise.all(Array.from({ length: 20 }, () => reason(newToken)));
  expect(new Set(misses)).toEqual(new Set(['unknown_key']));
  expect(jwks.fetches).toBe(1);

  // Overlap: both keys published. After the cooldown one unknown kid refetches, once for 20 callers.
  jwks.publish([oldKey.jwk, newKey.jwk]);
  await sleep(COOLDOWN_MS + 100);
  const hits = await Promise.all(Array.from({ length: 20 }, () => reason(newToken)));
  expect(new Set(hits)).toEqual(new Set(['accepted']));
  expect(jwks.fetches).toBe(2);
  expect(await reason(oldToken)).toBe('accepted');
  expect(jwks.fetches).toBe(2);

  // Retire the old key: it verifies from cache until the cache ages out, then it is refused.
  jwks.publish([newKey.jwk]);
  expect(await reason(oldToken)).toBe('accepted');
  await sleep(CACHE_MAX_AGE_MS + 100);
  expect(await reason(oldToken)).toBe('unknown_key');
  expect(await reason(newToken)).toBe('accepted');
  expect(jwks.fetches).toBe(3);
});

it('answers 503 while the JWKS endpoint is down, and recovers', async () => {
  const stranger = await createSigningKey('stranger', 'ES256');
  await sleep(CACHE_MAX_AGE_MS + 100);
  jwks.fail(true);
  const error = await auth.authenticate(await stranger.sign(claims)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AuthUnavailableError);
  expect((error as AuthUnavailableError).getResponse().status).toBe(503);
  jwks.fail(false);
  expect(await reason(await newKey.sign(claims))).toBe('accepted');
});
