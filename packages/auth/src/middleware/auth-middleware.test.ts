/**
 * The auth matrix (every kind of credential against every kind of route) through a real Hono app (`app.request`, no server, no mocks), with a
 * real JWKS endpoint on a loopback port serving an RS256 and an ES256 key.
 */
import { ApiErrorBody } from '@gpuq/job-types';
import { Hono } from 'hono';
import { base64url, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JwksServer, startJwksServer } from '../../test/jwks-server.js';
import { createSigningKey, type SigningKey } from '../../test/signing-keys.js';
import { createAuthenticator } from '../authenticator.js';
import { signDevJwt } from '../jwt/sign-dev-jwt.js';
import { generatePersonalAccessToken, type PersonalAccessTokenRecord } from '../pat/personal-access-token.js';
import { type AuthEnv, authMiddleware } from './auth-middleware.js';
import { getPrincipal } from './guards.js';

const SECRET = 'test-jwt-secret-with-at-least-32-characters';
const SERVICE_KEY = 'test-service-role-key';
const ANON_KEY = 'test-anon-key';
const USER = '6f1c3c1e-9b7a-4d7e-8a51-0c2b9d1e4f11';

let jwks: JwksServer;
let rsa: SigningKey;
let ec: SigningKey;
let stranger: SigningKey;
let issuer: string;
let app: Hono<AuthEnv>;
const tokens = new Map<string, PersonalAccessTokenRecord>();
const livePat = generatePersonalAccessToken();
const revokedPat = generatePersonalAccessToken();
const expiredPat = generatePersonalAccessToken();

beforeAll(async () => {
  jwks = await startJwksServer();
  [rsa, ec, stranger] = await Promise.all([
    createSigningKey('rsa-1', 'RS256'),
    createSigningKey('ec-1', 'ES256'),
    createSigningKey('ec-unpublished', 'ES256'),
  ]);
  jwks.publish([rsa.jwk, ec.jwk]);
  issuer = `${jwks.projectUrl}/auth/v1`;
  tokens.set(livePat.tokenHash, { userId: USER, revokedAt: null });
  tokens.set(revokedPat.tokenHash, { userId: USER, revokedAt: new Date() });
  tokens.set(expiredPat.tokenHash, { userId: USER, expiresAt: new Date(Date.now() - 1000) });

  const authenticator = createAuthenticator({
    serviceRoleKey: SERVICE_KEY,
    jwtSecret: SECRET,
    supabaseUrl: `${jwks.projectUrl}/`,
    anonKey: ANON_KEY,
    lookupPersonalAccessToken: async (hash) => tokens.get(hash),
  });
  app = new Hono<AuthEnv>();
  app.use('/v1/*', authMiddleware({ authenticator }));
  app.get('/v1/whoami', (c) => c.json(getPrincipal(c)));
  app.get('/events', authMiddleware({ authenticator, allowQueryToken: true }), (c) =>
    c.json(getPrincipal(c)),
  );
});

afterAll(async () => {
  await jwks?.close();
});

async function whoami(token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return app.request('/v1/whoami', {
    headers: token ? { authorization: `Bearer ${token}`, ...headers } : headers,
  });
}

async function expect401(response: Response): Promise<string> {
  expect(response.status).toBe(401);
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="gpuq"/);
  const body = ApiErrorBody.parse(await response.json());
  expect(body.error.code).toBe('unauthorized');
  return body.error.message;
}

const userClaims = () => ({ sub: USER, role: 'authenticated', aud: 'authenticated', iss: issuer });

function unsigned(claims: Record<string, unknown>): string {
  const part = (value: unknown) => base64url.encode(JSON.stringify(value));
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

/** What whoami answers for USER signed in with a JWT. */
const jwtUser = () => ({
  kind: 'user',
  userId: USER,
  role: 'authenticated',
  via: 'jwt',
  expiresAt: expect.any(String),
});

describe('accepted credentials', () => {
  it('the service-role key is the service', async () => {
    const res = await whoami(SERVICE_KEY);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ kind: 'service' });
  });

  it.each(['service_role', 'supabase_admin'])(
    'a %s JWT is the service, as Supabase issues it',
    async (role) => {
      // Supabase's own service key: iss "supabase", no audience.
      const token = await signDevJwt({ secret: SECRET, role, audience: '', issuer: 'supabase' });
      const res = await whoami(token);
      expect(await res.json()).toEqual({ kind: 'service' });
    },
  );

  it('an HS256 user JWT from this project is that user', async () => {
    const token = await signDevJwt({ secret: SECRET, userId: USER, issuer });
    const res = await whoami(token);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(jwtUser());
  });

  it.each(['RS256', 'ES256'])('an %s user JWT checked against the JWKS is that user', async (alg) => {
    const key = alg === 'RS256' ? rsa : ec;
    const res = await whoami(await key.sign(userClaims()));
    expect(await res.json()).toEqual(jwtUser());
  });

  it('a live personal access token is its owner', async () => {
    const res = await whoami(livePat.token);
    expect(await res.json()).toEqual({ kind: 'user', userId: USER, via: 'pat', scope: 'all' });
  });

  it('the scheme is case-insensitive and an apikey header changes nothing', async () => {
    const token = await signDevJwt({ secret: SECRET, userId: USER, issuer });
    const res = await app.request('/v1/whoami', {
      headers: { authorization: `bearer ${token}`, apikey: ANON_KEY },
    });
    expect(res.status).toBe(200);
  });

  it('?access_token= works where allowed (EventSource) and only there', async () => {
    const token = await signDevJwt({ secret: SECRET, userId: USER, issuer });
    const events = await app.request(`/events?access_token=${token}`);
    expect(await events.json()).toMatchObject({ kind: 'user', userId: USER });
    await expect401(await app.request(`/v1/whoami?access_token=${token}`));
  });
});

describe('refused credentials → 401', () => {
  const cases: Array<[string, () => Promise<Response>, RegExp]> = [
    ['no token', () => whoami(), /missing/],
    ['only an apikey header', () => whoami(undefined, { apikey: ANON_KEY }), /missing/],
    ['garbage', () => whoami('garbage'), /unknown token/],
    ['a JWT-shaped garbage', () => whoami('abc.def.ghi'), /not a valid JWT/],
    [
      'a Basic header',
      async () => app.request('/v1/whoami', { headers: { authorization: 'Basic dTpw' } }),
      /Bearer/,
    ],
    ['the anon key', () => whoami(ANON_KEY), /sign in/],
    [
      'an expired JWT',
      async () => whoami(await signDevJwt({ secret: SECRET, userId: USER, issuer, expiresIn: -120 })),
      /expired/,
    ],
    [
      'a JWT whose nbf is in the future',
      async () => whoami(await signDevJwt({ secret: SECRET, userId: USER, issuer, notBeforeIn: 600 })),
      /not valid yet/,
    ],
    [
      'a JWT signed with the wrong secret',
      async () =>
        whoami(await signDevJwt({ secret: 'another-secret-another-secret-1234', userId: USER, issuer })),
      /signature/,
    ],
    [
      'alg none',
      async () => whoami(unsigned({ ...userClaims(), exp: Math.floor(Date.now() / 1000) + 600 })),
      /algorithm/,
    ],
    [
      'alg none claiming the service role',
      async () => whoami(unsigned({ role: 'service_role', exp: Math.floor(Date.now() / 1000) + 600 })),
      /algorithm/,
    ],
    [
      'a wrong audience',
      async () => whoami(await signDevJwt({ secret: SECRET, userId: USER, issuer, audience: 'anon' })),
      /audience/,
    ],
    [
      'a wrong issuer',
      async () =>
        whoami(await signDevJwt({ secret: SECRET, userId: USER, issuer: 'https://evil.example/auth/v1' })),
      /issuer/,
    ],
    [
      'no issuer where one is required',
      async () => whoami(await signDevJwt({ secret: SECRET, userId: USER })),
      /iss/,
    ],
    [
      'HS256 signed with the RSA public key (PEM)',
      async () => whoami(await signDevJwt({ secret: rsa.publicPem, userId: USER, issuer })),
      /signature/,
    ],
    [
      'HS256 signed with the EC public key (JWK JSON)',
      async () => whoami(await signDevJwt({ secret: JSON.stringify(ec.jwk), userId: USER, issuer })),
      /signature/,
    ],
    ['a kid not in the JWKS', async () => whoami(await stranger.sign(userClaims())), /signing key not found/],
    [
      'a published kid on a token signed by another key',
      async () => whoami(await stranger.sign(userClaims(), { kid: ec.kid })),
      /signature/,
    ],
    [
      'a JWKS-signed token with the wrong issuer',
      async () => whoami(await ec.sign({ ...userClaims(), iss: 'x' })),
      /issuer/,
    ],
    [
      'a user JWT with no sub',
      async () => whoami(await ec.sign({ ...userClaims(), sub: undefined })),
      /no "sub"/,
    ],
    [
      'a user JWT whose sub is not a uuid',
      async () => whoami(await ec.sign({ ...userClaims(), sub: 'user-1' })),
      /not a user id/,
    ],
    [
      'an anon-role JWT',
      async () => whoami(await signDevJwt({ secret: SECRET, role: 'anon', issuer })),
      /anon key is not a user/,
    ],
    ['a revoked personal access token', () => whoami(revokedPat.token), /revoked/],
    ['an expired personal access token', () => whoami(expiredPat.token), /expired/],
  ];

  it.each(cases)('%s', async (_name, send, message) => {
    expect(await expect401(await send())).toMatch(message);
  });

  it('a well-formed personal access token no one holds is 403, as the seed answers it', async () => {
    const response = await whoami(generatePersonalAccessToken().token);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: 'forbidden', message: /unknown token/ } });
  });

  it('a JWT without exp is refused', async () => {
    const token = await new SignJWT(userClaims())
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(SECRET));
    expect(await expect401(await whoami(token))).toMatch(/"exp"/);
  });
});
