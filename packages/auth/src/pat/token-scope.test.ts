/** Token scopes and the sign-in-only guard through a real Hono app with real token lookups. */
import type { TokenScopeName } from '@gpuq/job-types';
import { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../authenticator.js';
import { signDevJwt } from '../jwt/sign-dev-jwt.js';
import { type AuthEnv, authMiddleware } from '../middleware/auth-middleware.js';
import { getSignedInUser } from '../middleware/guards.js';
import { generatePersonalAccessToken, type PersonalAccessTokenRecord } from './personal-access-token.js';
import { requireTokenScope } from './token-scope.js';

const SECRET = 'scope-test-secret-scope-test-secret';
const USER = '00000000-0000-4000-8000-0000000000c1';
const tokens = new Map<string, PersonalAccessTokenRecord>();
const pats = {} as Record<TokenScopeName | 'legacy', string>;
let app: Hono<AuthEnv>;

beforeAll(() => {
  for (const scope of ['all', 'tasks', 'jobs', 'legacy'] as const) {
    const pat = generatePersonalAccessToken();
    tokens.set(pat.tokenHash, { id: `id-${scope}`, userId: USER, ...(scope === 'legacy' ? {} : { scope }) });
    pats[scope] = pat.token;
  }
  const authenticator = createAuthenticator({
    jwtSecret: SECRET,
    lookupPersonalAccessToken: async (hash) => tokens.get(hash),
  });
  app = new Hono<AuthEnv>();
  app.use('*', authMiddleware({ authenticator }));
  app.get('/tasks', requireTokenScope('tasks'), (c) => c.text('ok'));
  app.get('/jobs', requireTokenScope('jobs'), (c) => c.text('ok'));
  app.get('/tokens', (c) => c.json({ userId: getSignedInUser(c).userId }));
});

const get = (path: string, token: string) =>
  app.request(path, { headers: { authorization: `Bearer ${token}` } });

describe('token scopes', () => {
  it.each([
    ['all', 200, 200],
    ['legacy', 200, 200],
    ['tasks', 200, 403],
    ['jobs', 403, 200],
  ] as const)('a %s token: tasks %i, jobs %i', async (scope, tasks, jobs) => {
    expect((await get('/tasks', pats[scope])).status).toBe(tasks);
    expect((await get('/jobs', pats[scope])).status).toBe(jobs);
  });

  it('does not scope JWTs', async () => {
    const jwt = await signDevJwt({ secret: SECRET, userId: USER });
    expect((await get('/tasks', jwt)).status).toBe(200);
    expect((await get('/jobs', jwt)).status).toBe(200);
  });
});

describe('getSignedInUser', () => {
  it('lets a JWT through and refuses every personal access token with 403', async () => {
    const jwt = await signDevJwt({ secret: SECRET, userId: USER });
    expect(await (await get('/tokens', jwt)).json()).toEqual({ userId: USER });
    const refused = await get('/tokens', pats.all);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: { code: 'forbidden', message: expect.stringMatching(/sign in/) },
    });
  });
});
