/**
 * Projects, always scoped to their owner: every call names the user, so a service-side caller
 * cannot reach another user's project by id alone.
 */
import type { Queryable } from '../database/database.js';
import { queryCamel, queryOne } from '../database/run-query.js';

export interface Project {
  id: string;
  userId: string;
  name: string;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** The project a user's jobs land in when they name none; created once. */
export async function ensureDefaultProject(
  db: Queryable,
  input: { userId: string; name?: string },
): Promise<Project> {
  return queryOne<Project>(db, 'select * from public.ensure_default_project($1, $2)', [
    input.userId,
    input.name ?? 'Default project',
  ]);
}

export async function createProject(
  db: Queryable,
  input: { userId: string; name: string },
): Promise<Project> {
  return queryOne<Project>(db, 'insert into public.projects (user_id, name) values ($1, $2) returning *', [
    input.userId,
    input.name,
  ]);
}

/** A user's projects, oldest first; with `userId` null, everyone's (the service role). */
export async function listProjects(db: Queryable, input: { userId: string | null }): Promise<Project[]> {
  return queryCamel<Project>(
    db,
    'select * from public.projects where ($1::uuid is null or user_id = $1::uuid) order by created_at, id',
    [input.userId],
  );
}

export async function getProject(
  db: Queryable,
  input: { projectId: string; userId: string | null },
): Promise<Project | null> {
  const [project] = await queryCamel<Project>(
    db,
    'select * from public.projects where id = $1 and ($2::uuid is null or user_id = $2::uuid)',
    [input.projectId, input.userId],
  );
  return project ?? null;
}

/** Null when the project is not the user's. */
export async function renameProject(
  db: Queryable,
  input: { projectId: string; userId: string; name: string },
): Promise<Project | null> {
  const [project] = await queryCamel<Project>(
    db,
    'update public.projects set name = $3 where id = $1 and user_id = $2 returning *',
    [input.projectId, input.userId, input.name],
  );
  return project ?? null;
}

/** Deletes the project and, by cascade, its tasks, generations, shots and assets. */
export async function deleteProject(
  db: Queryable,
  input: { projectId: string; userId: string },
): Promise<boolean> {
  const rows = await queryCamel<{ id: string }>(
    db,
    'delete from public.projects where id = $1 and user_id = $2 returning id',
    [input.projectId, input.userId],
  );
  return rows.length > 0;
}
