/**
 * Personal access tokens through the real api: only a sign-in mints, lists or revokes them; they
 * can expire; a scope keeps a worker's token out of jobs and an app's out of the task protocol;
 * revoking a token revokes the tokens minted under it; live tokens are capped per user.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createApiToken, ensureProfile } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';

const MAX_TOKENS = 4;
let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ MAX_TOKENS_PER_USER: String(MAX_TOKENS) });
});
afterAll(async () => {
  await api?.close();
});

interface MintedToken {
  token: string;
  id: string;
  scope: string;
  expiresAt: string | null;
}

async function signedIn(): Promise<{ userId: string; jwt: string }> {
  const userId = randomUUID();
  return { userId, jwt: await api.token(userId) };
}

async function mint(jwt: string, body: Record<string, unknown> = {}): Promise<MintedToken> {
  const response = await api.request('/v1/tokens', { token: jwt, json: { name: 'test', ...body } });
  expect(response.status, JSON.stringify(body)).toBe(201);
  return (await response.json()) as MintedToken;
}

const queueJob = (token: string) =>
  api.request('/functions/v1/queue-job', { token, json: { jobType: 'image_fast' } });
const claim = (token: string) => api.request('/functions/v1/claim-next-task', { token, json: {} });
const rpcClaim = (token: string) =>
  api.request('/rest/v1/rpc/func_claim_available_task', { token, json: { worker_id_param: 'w' } });

async function listTokens(jwt: string): Promise<Array<Record<string, unknown>>> {
  const response = await api.request('/v1/tokens', { token: jwt });
  expect(response.status).toBe(200);
  return ((await response.json()) as { tokens: Array<Record<string, unknown>> }).tokens;
}

describe('minting', () => {
  it('refuses to mint a token with a token (403 naming why) and mints nothing', async () => {
    const user = await signedIn();
    const { token } = await mint(user.jwt);
    const refused = await api.request('/v1/tokens', { token, json: { name: 'child' } });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: {
        code: 'forbidden',
        message: expect.stringMatching(/personal access tokens cannot manage tokens/),
      },
    });
    expect(await listTokens(user.jwt)).toHaveLength(1);
    // Nor list or revoke them.
    expect((await api.request('/v1/tokens', { token })).status).toBe(403);
    const [only] = await listTokens(user.jwt);
    expect((await api.request(`/v1/tokens/${only?.id}`, { method: 'DELETE', token })).status).toBe(403);
  });
});

describe('listing', () => {
  it("lists the caller's own tokens only, with no secret or hash", async () => {
    const alice = await signedIn();
    const bob = await signedIn();
    const a1 = await mint(alice.jwt, { name: 'laptop' });
    const a2 = await mint(alice.jwt, { name: 'worker', scope: 'tasks', expiresInDays: 30 });
    const b1 = await mint(bob.jwt, { name: 'bob' });
    const response = await api.request('/v1/tokens', { token: alice.jwt });
    const raw = await response.text();
    const { tokens } = JSON.parse(raw) as { tokens: Array<Record<string, unknown>> };
    expect(tokens.map((t) => t.id)).toEqual([a1.id, a2.id]);
    expect(tokens[1]).toEqual({
      id: a2.id,
      name: 'worker',
      prefix: a2.token.slice(0, 13),
      scope: 'tasks',
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: a2.expiresAt,
      revokedAt: null,
    });
    for (const secret of [a1.token, a2.token, b1.token]) expect(raw).not.toContain(secret);
    expect(raw).not.toMatch(/[0-9a-f]{64}/);
    expect((await listTokens(bob.jwt)).map((t) => t.id)).toEqual([b1.id]);
  });
});

describe('expiry', () => {
  it('refuses a token at authentication once its expiresAt has passed (401)', async () => {
    const user = await signedIn();
    const expiresAt = new Date(Date.now() + 3000).toISOString();
    const { token, expiresAt: stored } = await mint(user.jwt, { expiresAt });
    expect(stored).toBe(expiresAt);
    expect((await api.request('/v1/jobs', { token })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 300));
    const refused = await api.request('/v1/jobs', { token });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 'unauthorized', message: 'token expired' } });
  });

  it('sets the expiry from expiresInDays, and refuses bad expiries with 400 naming the field', async () => {
    const user = await signedIn();
    const week = await mint(user.jwt, { expiresInDays: 7 });
    const inAWeek = Date.now() + 7 * 86_400_000;
    expect(Math.abs(Date.parse(week.expiresAt!) - inAWeek)).toBeLessThan(60_000);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ expiresAt: new Date(Date.now() - 1000).toISOString() }, 'expiresAt'],
      [{ expiresAt: 'tomorrow' }, 'expiresAt'],
      [{ expiresInDays: 0 }, 'expiresInDays'],
      [{ expiresInDays: 7, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }, 'expiresInDays'],
      [{ scope: 'admin' }, 'scope'],
    ];
    for (const [body, field] of cases) {
      const response = await api.request('/v1/tokens', { token: user.jwt, json: body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await response.json()).toMatchObject({ error: { code: 'invalid_request', field } });
    }
    expect(await listTokens(user.jwt)).toHaveLength(1);
  });
});

describe('scopes', () => {
  it('keeps a tasks token to the task protocol and a jobs token out of it (403 naming the scope)', async () => {
    const user = await signedIn();
    const tasks = await mint(user.jwt, { scope: 'tasks' });
    const jobs = await mint(user.jwt, { scope: 'jobs' });

    for (const response of [
      await queueJob(tasks.token),
      await api.request('/v1/jobs', { token: tasks.token }),
      await api.request('/v1/events', { token: tasks.token }),
    ]) {
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({
        error: { code: 'forbidden', message: expect.stringMatching(/scope is "tasks"/) },
      });
    }
    expect((await claim(tasks.token)).status).toBe(204);
    expect((await rpcClaim(tasks.token)).status).toBe(200);

    expect((await queueJob(jobs.token)).status).toBe(200);
    expect((await api.request('/v1/jobs', { token: jobs.token })).status).toBe(200);
    const refusedClaim = await claim(jobs.token);
    expect(refusedClaim.status).toBe(403);
    expect(await refusedClaim.json()).toMatchObject({
      error: { code: 'forbidden', message: expect.stringMatching(/scope is "jobs"/) },
    });
    const refusedRpc = await rpcClaim(jobs.token);
    expect(refusedRpc.status).toBe(403);
    expect(await refusedRpc.json()).toMatchObject({ code: '42501', message: expect.stringMatching(/scope/) });
    // Projects are every token's.
    expect((await api.request('/v1/projects', { token: tasks.token })).status).toBe(200);
    expect((await api.request('/v1/projects', { token: jobs.token })).status).toBe(200);
  });

  it('lets a token made before scopes existed (scope all) do what it always could', async () => {
    const userId = randomUUID();
    await ensureProfile(api.services.db, { userId, signupCredits: 100 });
    // Written as the old code wrote it: only the columns it knew (no scope, no expiry).
    const legacy = `gpuq_pat_${randomUUID()}`;
    await api.services.db.query('insert into public.user_api_tokens (user_id, token_hash) values ($1, $2)', [
      userId,
      createHash('sha256').update(legacy).digest('hex'),
    ]);
    expect((await queueJob(legacy)).status).toBe(200);
    expect((await claim(legacy)).status).toBe(204);
  });
});

describe('revocation', () => {
  it('revokes the tokens minted under a token together with it', async () => {
    const user = await signedIn();
    const parent = await mint(user.jwt);
    // The api mints only for a sign-in, so tokens with a parent come from the data layer.
    const child = await createApiToken(api.services.db, { userId: user.userId, parentId: parent.id });
    const grandchild = await createApiToken(api.services.db, {
      userId: user.userId,
      parentId: child.record.id,
    });
    const sibling = await mint(user.jwt);
    for (const token of [parent.token, child.token, grandchild.token, sibling.token]) {
      expect((await api.request('/v1/jobs', { token })).status).toBe(200);
    }
    const revoked = await api.request(`/v1/tokens/${parent.id}`, { method: 'DELETE', token: user.jwt });
    expect(revoked.status).toBe(204);
    for (const token of [parent.token, child.token, grandchild.token]) {
      expect((await api.request('/v1/jobs', { token })).status).toBe(401);
    }
    expect((await api.request('/v1/jobs', { token: sibling.token })).status).toBe(200);
    const listed = await listTokens(user.jwt);
    expect(
      listed
        .filter((t) => t.revokedAt !== null)
        .map((t) => t.id)
        .sort(),
    ).toEqual([parent.id, child.record.id, grandchild.record.id].sort());
  });
});

describe('per-user cap', () => {
  it(`refuses a token beyond ${MAX_TOKENS} live ones with 409 naming the limit; revoking frees a slot`, async () => {
    const user = await signedIn();
    const minted = await Promise.all(
      Array.from({ length: MAX_TOKENS + 3 }, () =>
        api.request('/v1/tokens', { token: user.jwt, json: { name: 'many' } }),
      ),
    );
    const statuses = minted.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(MAX_TOKENS).fill(201), 409, 409, 409]);
    const refused = minted.find((response) => response.status === 409)!;
    expect(await refused.json()).toEqual({
      error: { code: 'conflict', message: expect.stringContaining(`MAX_TOKENS_PER_USER=${MAX_TOKENS}`) },
    });
    expect(await listTokens(user.jwt)).toHaveLength(MAX_TOKENS);
    const [first] = await listTokens(user.jwt);
    await api.request(`/v1/tokens/${first?.id}`, { method: 'DELETE', token: user.jwt });
    await mint(user.jwt);
  });
});
