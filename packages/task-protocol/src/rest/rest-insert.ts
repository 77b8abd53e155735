/**
 * `POST /rest/v1/tasks`: Reigh creates some tasks with supabase-js `.from('tasks').insert(rows)
 * .select('id')` as the signed-in user (src/shared/lib/tasks/imageInpaint.ts and
 * annotatedImageEdit.ts: `{ project_id, task_type, status: 'Queued', params }`, one row per
 * generation). Each row is a create-task (createProtocolTask): the type must be built in or
 * registered, params are checked and priced, the project must be the caller's, the credits are
 * reserved, limits apply. Every row is checked before any is created, so a bad row creates none.
 * The answer is PostgREST's: 201, with the created rows in the `select` shape under
 * `Prefer: return=representation`, read back as the caller.
 */
import { type AuthEnv, getPrincipal } from '@gpuq/auth';
import { withJwtClaims } from '@gpuq/db';
import { CreateTaskRequest } from '@gpuq/job-types';
import type { Context } from 'hono';
import { checkProtocolTask, createProtocolTask } from '../actions/create-task.js';
import { PostgrestError } from '../rpc/postgrest-error.js';
import { scopeOf } from '../scope.js';
import type { RouteContext } from '../settings.js';
import { parseReadQuery } from './query-grammar.js';
import { claimsOf, fromDatabase, JSON_CONTENT_TYPE } from './rest-request.js';
import { buildRepresentation, type TableColumns } from './rest-sql.js';

/** The columns a created row may name; `id` is create-task's `task_id`. */
const INSERTABLE = ['id', 'project_id', 'task_type', 'params', 'status', 'dependant_on'] as const;
const MAX_ROWS = 100;

function refused(status: 400 | 403, code: string, message: string, details: string | null = null) {
  return new PostgrestError(status, { code, message, details, hint: null });
}

/** One inserted row as a create-task body, or the PostgREST error naming what is wrong with it. */
function createBody(row: unknown, columns: ReadonlySet<string>, index: number): CreateTaskRequest {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) {
    throw refused(400, 'PGRST102', 'Empty or invalid json', `row ${index} is not a JSON object`);
  }
  for (const column of Object.keys(row)) {
    if (!columns.has(column)) {
      throw refused(400, 'PGRST204', `Could not find the '${column}' column of 'tasks' in the schema cache`);
    }
    if (!(INSERTABLE as readonly string[]).includes(column)) {
      throw refused(
        403,
        '42501',
        `permission denied to set tasks.${column}`,
        `a new task may name only ${INSERTABLE.join(', ')}`,
      );
    }
  }
  const { id, status, params, ...rest } = row as Record<string, unknown>;
  if (status !== undefined && status !== 'Queued') {
    throw refused(
      400,
      '22023',
      `invalid value for tasks.status: a new task is Queued, not ${String(status)}`,
    );
  }
  const parsed = CreateTaskRequest.safeParse({
    ...rest,
    params: params ?? {},
    ...(id === undefined ? {} : { task_id: id }),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') === 'task_id' ? 'id' : (issue?.path.join('.') ?? 'row');
    throw refused(
      400,
      '22023',
      `invalid value for tasks.${field} in row ${index}: ${issue?.message ?? 'not accepted'}`,
    );
  }
  return parsed.data;
}

export async function insertTasks(
  c: Context<AuthEnv>,
  ctx: RouteContext,
  table: TableColumns,
  body: unknown,
): Promise<Response> {
  if (/\bresolution=/.test(c.req.header('prefer') ?? '')) {
    // An upsert would have to merge into a task's row: tasks change only through the task functions.
    throw refused(400, 'PGRST100', 'upsert (Prefer: resolution=…) is not served on tasks');
  }
  const rows = Array.isArray(body) ? body : [body];
  if (rows.length === 0 || rows.length > MAX_ROWS) {
    throw refused(400, 'PGRST102', 'Empty or invalid json', `insert 1 to ${MAX_ROWS} rows`);
  }
  const bodies = rows.map((row, index) => createBody(row, table.columns, index));
  const principal = getPrincipal(c);
  const scope = scopeOf(principal);
  for (const request of bodies) await checkProtocolTask(ctx, scope, request);
  const ids: string[] = [];
  for (const request of bodies) ids.push(await createProtocolTask(ctx, scope, request));

  if (!/\breturn=representation\b/.test(c.req.header('prefer') ?? '')) return c.body(null, 201);
  const { select } = parseReadQuery(new URL(c.req.url).searchParams);
  const shown = buildRepresentation(table, select, 'uuid', ids);
  const created = await withJwtClaims(
    ctx.db,
    claimsOf(principal),
    async (tx) => (await tx.query<{ body: unknown[] }>(shown.sql, shown.params)).rows[0]!.body,
  ).catch((error: unknown) => {
    throw fromDatabase(error) ?? error;
  });
  return c.body(JSON.stringify(created), 201, { 'content-type': JSON_CONTENT_TYPE });
}
