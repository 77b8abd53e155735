/** requireUser / requireService / requireAdmin through a real Hono app. */
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import { signDevJwt } from '../jwt/sign-dev-jwt.js';
import { type AuthEnv, authMiddleware } from './auth-middleware.js';
import { getPrincipal, getUser, requireAdmin, requireService, requireUser } from './guards.js';

const SECRET = 'guards-test-secret-guards-test-secret';
const SERVICE_KEY = 'guards-service-key';
const ADMIN = '00000000-0000-4000-8000-00000000000a';
const USER = '00000000-0000-4000-8000-00000000000b';

// An app with more context variables than AuthEnv, as queue-api will have.
type AppEnv = { Variables: AuthEnv['Variables'] & { requestId: string } };

let app: Hono<AppEnv>;
let cookieApp: Hono<AuthEnv>;
const adminChecks: string[] = [];

beforeAll(() => {
  const authenticator = createAuthenticator({ jwtSecret: SECRET, serviceRoleKey: SERVICE_KEY });
  app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('requestId', 'r1');
    await next();
  });
  app.use('*', authMiddleware({ authenticator }));
  app.get('/user', requireUser(), (c) => c.json({ userId: getUser(c).userId, requestId: c.var.requestId }));
  app.get('/service', requireService(), (c) => c.text('ok'));
  app.on('OPTIONS', '/user', requireUser(), (c) => c.text('ok'));
  app.get('/admin-broken', requireAdmin({ isAdmin: () => Promise.reject(new Error('db down')) }), (c) =>
    c.text('ok'),
  );
  cookieApp = new Hono<AuthEnv>();
  cookieApp.use('*', authMiddleware({ authenticator, fallbackToken: (c) => getCookie(c, 'session') }));
  cookieApp.get('/', (c) => c.json(getPrincipal(c)));
  app.get(
    '/admin',
    requireAdmin({
      isAdmin: async (userId) => {
        adminChecks.push(userId);
        return userId === ADMIN;
      },
    }),
    (c) => c.text('ok'),
  );
});

const bearer = async (userId: string) => ({
  authorization: `Bearer ${await signDevJwt({ secret: SECRET, userId })}`,
});
const service = { authorization: `Bearer ${SERVICE_KEY}` };

describe('guards', () => {
  it('requireUser lets users in and turns the service away with 403', async () => {
    const ok = await app.request('/user', { headers: await bearer(USER) });
    expect(await ok.json()).toEqual({ userId: USER, requestId: 'r1' });
    const refused = await app.request('/user', { headers: service });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: 'forbidden', message: expect.any(String) } });
  });

  it('requireService lets only the service in', async () => {
    expect((await app.request('/service', { headers: service })).status).toBe(200);
    expect((await app.request('/service', { headers: await bearer(ADMIN) })).status).toBe(403);
    expect((await app.request('/service')).status).toBe(401);
  });

  it('requireAdmin asks the injected check, and lets the service role through', async () => {
    expect((await app.request('/admin', { headers: await bearer(ADMIN) })).status).toBe(200);
    expect((await app.request('/admin', { headers: await bearer(USER) })).status).toBe(403);
    expect((await app.request('/admin', { headers: service })).status).toBe(200);
    expect(adminChecks).toEqual([ADMIN, USER]);
  });

  it('requireAdmin answers 503, not 403, when the admin check itself fails', async () => {
    const res = await app.request('/admin-broken', { headers: await bearer(USER) });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
  });

  it('a fallback token source (a session cookie) is used only without an Authorization header', async () => {
    const token = await signDevJwt({ secret: SECRET, userId: USER });
    const viaCookie = await cookieApp.request('/', { headers: { cookie: `session=${token}` } });
    expect(await viaCookie.json()).toEqual({
      kind: 'user',
      userId: USER,
      role: 'authenticated',
      via: 'jwt',
      expiresAt: expect.any(String),
    });
    const headerWins = await cookieApp.request('/', { headers: { cookie: `session=${token}`, ...service } });
    expect(await headerWins.json()).toEqual({ kind: 'service' });
  });

  it('a CORS preflight passes the middleware but gets no principal', async () => {
    const res = await app.request('/user', { method: 'OPTIONS', headers: { authorization: 'garbage' } });
    expect(res.status).toBe(401);
  });
});
