/**
 * What authentication costs per request, by credential kind (`pnpm bench`). JWKS keys are cached
 * after the first fetch, so the asymmetric rows measure signature checks, not HTTP.
 */
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { type Authenticator, createAuthenticator } from '../src/authenticator.js';
import { signDevJwt } from '../src/jwt/sign-dev-jwt.js';
import { generatePersonalAccessToken } from '../src/pat/personal-access-token.js';
import { type JwksServer, startJwksServer } from './jwks-server.js';
import { createSigningKey } from './signing-keys.js';

const SECRET = 'bench-secret-bench-secret-bench-secret';
const SERVICE_KEY = 'bench-service-key';
const USER = '00000000-0000-4000-8000-0000000000be';
let jwks: JwksServer;
let auth: Authenticator;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  jwks = await startJwksServer();
  const [rsa, ec] = await Promise.all([createSigningKey('rsa', 'RS256'), createSigningKey('ec', 'ES256')]);
  jwks.publish([rsa.jwk, ec.jwk]);
  const pat = generatePersonalAccessToken();
  auth = createAuthenticator({
    jwtSecret: SECRET,
    serviceRoleKey: SERVICE_KEY,
    jwksUrl: jwks.url,
    lookupPersonalAccessToken: async (hash) => (hash === pat.tokenHash ? { userId: USER } : null),
  });
  const claims = { sub: USER, aud: 'authenticated', role: 'authenticated' };
  tokens.hs256 = await signDevJwt({ secret: SECRET, userId: USER });
  tokens.rs256 = await rsa.sign(claims);
  tokens.es256 = await ec.sign(claims);
  tokens.pat = pat.token;
  tokens.service = SERVICE_KEY;
  for (const token of Object.values(tokens)) await auth.authenticate(token);
});

afterAll(async () => {
  await jwks?.close();
});

describe('authenticate()', () => {
  for (const kind of ['service', 'hs256', 'rs256', 'es256', 'pat']) {
    bench(kind, async () => {
      await auth.authenticate(tokens[kind]);
    });
  }
});
