/**
 * Projects, always scoped to their owner: every call names the user, so a service-side caller
 * cannot reach another user's project by id alone.
 */
import type { Database, Queryable } from '../database/database.js';
import { queryCamel, queryOne } from '../database/run-query.js';
import { PerUserLimitError } from '../errors/per-user-limit-error.js';

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

/**
 * Creates a project unless the user already has `maxProjects`. The profile row is locked while
 * counting, so concurrent creations cannot overshoot the cap (the profile must exist).
 * @throws PerUserLimitError
 */
export async function createProjectWithinLimit(
  db: Database,
  input: { userId: string; name: string; maxProjects: number },
): Promise<Project> {
  return db.transaction(async (tx) => {
    await tx.query('select 1 from public.profiles where id = $1 for update', [input.userId]);
    const { rows } = await tx.query<{ owned: number }>(
      'select count(*)::int as owned from public.projects where user_id = $1',
      [input.userId],
    );
    if ((rows[0]?.owned ?? 0) >= input.maxProjects)
      throw new PerUserLimitError('projects', input.maxProjects);
    return createProject(tx, input);
  });
}

/**
 * Where a page of projects ends: the last row's `created_at` as Postgres prints it (microseconds
 * kept, which a JavaScript Date would drop) and its id.
 */
export interface ProjectCursor {
  createdAt: string;
  id: string;
}

export interface ProjectPage {
  projects: Project[];
  /** Pass as `after` for the next page; null on the last page. */
  next: ProjectCursor | null;
}

/** One page of projects in (created_at, id) order, after `after`; `userId` null: everyone's. */
export async function listProjectsPage(
  db: Queryable,
  input: { userId: string | null; limit: number; after?: ProjectCursor | null },
): Promise<ProjectPage> {
  const rows = await queryCamel<Project & { cursorAt: string }>(
    db,
    `select *, created_at::text as cursor_at from public.projects
      where ($1::uuid is null or user_id = $1::uuid)
        and ($2::timestamptz is null or (created_at, id) > ($2::timestamptz, $3::uuid))
      order by created_at, id
      limit $4`,
    [input.userId, input.after?.createdAt ?? null, input.after?.id ?? null, input.limit + 1],
  );
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    projects: page.map(({ cursorAt: _, ...project }) => project),
    next: rows.length > input.limit && last ? { createdAt: last.cursorAt, id: last.id } : null,
  };
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
