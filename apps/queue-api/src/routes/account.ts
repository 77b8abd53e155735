/**
 * What a user owns besides jobs: projects (`POST /v1/projects`; `GET /v1/projects`, a keyset page)
 * and personal access tokens (`POST /v1/tokens`, shown once; `GET /v1/tokens`, never a secret;
 * `DELETE /v1/tokens/:id`, which also revokes the tokens minted under it). A user first seen here
 * gets a profile with the sign-up credits, as on queue-job.
 *
 * Tokens are managed with a sign-in (a JWT) only: a token that could mint tokens would let a leak
 * outlive its own revocation. Projects and live tokens are capped per user.
 */
import { getPrincipal, getSignedInUser, getUser } from '@gpuq/auth';
import {
  type ApiToken,
  createApiToken,
  createProjectWithinLimit,
  ensureProfile,
  listApiTokens,
  listProjectsPage,
  PerUserLimitError,
  type Project,
  revokeApiToken,
} from '@gpuq/db';
import { HttpError, parseJsonBody, parseQuery } from '@gpuq/http';
import {
  NewProjectRequest,
  NewTokenRequest,
  ProjectsQuery,
  type ProjectView,
  type TokenView,
} from '@gpuq/job-types';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiHonoEnv } from '../hono-env.js';
import type { ApiServices } from '../services.js';
import { scopeOf } from './jobs.js';
import { decodeProjectCursor, encodeProjectCursor } from './project-cursor.js';

const DAY_MS = 24 * 3600 * 1000;

const projectView = (project: Project): ProjectView => ({
  id: project.id,
  name: project.name,
  isDefault: project.isDefault,
  createdAt: project.createdAt.toISOString(),
});

/** Everything about a token but its secret (and its hash). */
const tokenView = (token: ApiToken): TokenView => ({
  id: token.id,
  name: token.name,
  prefix: token.tokenPrefix,
  scope: token.scope,
  createdAt: token.createdAt.toISOString(),
  lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  expiresAt: token.expiresAt?.toISOString() ?? null,
  revokedAt: token.revokedAt?.toISOString() ?? null,
});

function limitReached(error: unknown, setting: string): never {
  if (error instanceof PerUserLimitError) {
    throw new HttpError(
      409,
      'conflict',
      `limit reached: ${error.message} (${setting}=${error.limit}); delete or revoke one first`,
    );
  }
  throw error;
}

export function accountRoutes(services: ApiServices): Hono<ApiHonoEnv> {
  const app = new Hono<ApiHonoEnv>();
  const { db, env } = services;

  app.post('/v1/projects', async (c) => {
    const user = getUser(c);
    const { name } = await parseJsonBody(c, NewProjectRequest);
    await ensureProfile(db, { userId: user.userId, signupCredits: env.GPUQ_SIGNUP_CREDITS });
    const project = await createProjectWithinLimit(db, {
      userId: user.userId,
      name,
      maxProjects: env.MAX_PROJECTS_PER_USER,
    }).catch((error: unknown) => limitReached(error, 'MAX_PROJECTS_PER_USER'));
    return c.json({ project: projectView(project) }, 201);
  });

  app.get('/v1/projects', async (c) => {
    const query = parseQuery(c, ProjectsQuery);
    const page = await listProjectsPage(db, {
      userId: scopeOf(getPrincipal(c)),
      limit: query.limit,
      after: query.cursor ? decodeProjectCursor(query.cursor) : null,
    });
    return c.json({
      projects: page.projects.map(projectView),
      nextCursor: page.next ? encodeProjectCursor(page.next) : null,
    });
  });

  app.post('/v1/tokens', async (c) => {
    const user = getSignedInUser(c);
    const body = await parseJsonBody(c, NewTokenRequest);
    const expiresAt = body.expiresAt
      ? new Date(body.expiresAt)
      : body.expiresInDays
        ? new Date(Date.now() + body.expiresInDays * DAY_MS)
        : null;
    await ensureProfile(db, { userId: user.userId, signupCredits: env.GPUQ_SIGNUP_CREDITS });
    const { token, record } = await createApiToken(db, {
      userId: user.userId,
      name: body.name,
      scope: body.scope,
      expiresAt,
      maxLiveTokens: env.MAX_TOKENS_PER_USER,
    }).catch((error: unknown) => limitReached(error, 'MAX_TOKENS_PER_USER'));
    return c.json({ token, ...tokenView(record) }, 201);
  });

  app.get('/v1/tokens', async (c) => {
    const user = getSignedInUser(c);
    return c.json({ tokens: (await listApiTokens(db, user.userId)).map(tokenView) });
  });

  app.delete('/v1/tokens/:id', async (c) => {
    const user = getSignedInUser(c);
    const id = c.req.param('id');
    if (!z.uuid().safeParse(id).success)
      throw new HttpError(400, 'invalid_request', 'id: must be a UUID', { field: 'id' });
    if (!(await revokeApiToken(db, { tokenId: id, userId: user.userId })))
      throw new HttpError(404, 'not_found', `no token ${id}`);
    return c.body(null, 204);
  });

  return app;
}
