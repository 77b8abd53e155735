/**
 * What a user owns besides jobs: projects (`POST/GET /v1/projects`) and personal access tokens
 * (`POST /v1/tokens`, shown once; `DELETE /v1/tokens/:id`). A user first seen here gets a profile
 * with the sign-up credits, as on queue-job.
 */
import { getPrincipal, getUser } from '@gpuq/auth';
import {
  createApiToken,
  createProject,
  ensureProfile,
  listProjects,
  type Project,
  revokeApiToken,
} from '@gpuq/db';
import { HttpError, parseJsonBody } from '@gpuq/http';
import { Hono } from 'hono';
import { z } from 'zod';
import type { ApiHonoEnv } from '../hono-env.js';
import type { ApiServices } from '../services.js';
import { scopeOf } from './jobs.js';

const NewProject = z.object({ name: z.string().trim().min(1).max(200) });
const NewToken = z.object({ name: z.string().trim().max(200).default('') });

const projectView = (project: Project) => ({
  id: project.id,
  name: project.name,
  isDefault: project.isDefault,
  createdAt: project.createdAt.toISOString(),
});

export function accountRoutes(services: ApiServices): Hono<ApiHonoEnv> {
  const app = new Hono<ApiHonoEnv>();
  const { db, env } = services;

  app.post('/v1/projects', async (c) => {
    const user = getUser(c);
    const { name } = await parseJsonBody(c, NewProject);
    await ensureProfile(db, { userId: user.userId, signupCredits: env.GPUQ_SIGNUP_CREDITS });
    return c.json({ project: projectView(await createProject(db, { userId: user.userId, name })) }, 201);
  });

  app.get('/v1/projects', async (c) => {
    const projects = await listProjects(db, { userId: scopeOf(getPrincipal(c)) });
    return c.json({ projects: projects.map(projectView) });
  });

  app.post('/v1/tokens', async (c) => {
    const user = getUser(c);
    const { name } = await parseJsonBody(c, NewToken);
    await ensureProfile(db, { userId: user.userId, signupCredits: env.GPUQ_SIGNUP_CREDITS });
    const { token, record } = await createApiToken(db, { userId: user.userId, name });
    return c.json(
      { token, id: record.id, name: record.name, createdAt: record.createdAt.toISOString() },
      201,
    );
  });

  app.delete('/v1/tokens/:id', async (c) => {
    const user = getUser(c);
    const id = c.req.param('id');
    if (!z.uuid().safeParse(id).success)
      throw new HttpError(400, 'invalid_request', 'id: must be a UUID', { field: 'id' });
    if (!(await revokeApiToken(db, { tokenId: id, userId: user.userId })))
      throw new HttpError(404, 'not_found', `no token ${id}`);
    return c.body(null, 204);
  });

  return app;
}
