/**
 * `PATCH|DELETE|POST /rest/v1/<table>`: the writes the Headless worker makes through supabase-py,
 * served with PostgREST's semantics for what it uses — filters (at least one: Supabase refuses an
 * unfiltered write), `select` for the returned rows, `Prefer: return=representation|minimal` and
 * `count=exact`, `Accept: application/vnd.pgrst.object+json` (exactly one row, or nothing changes),
 * PostgREST error bodies. One transaction as the caller's role and claims, as PostgREST runs it: the
 * filters pick the rows under grants and row-level security (a user has no write grant on these
 * tables: 403 42501), then each row goes through its table's write (rest-writes.ts). The one user
 * write a reference client makes, Reigh's cancel of the user's own tasks, is served too
 * (cancelAsOwner), and so is its insert of new tasks (rest-insert.ts). Tables and verbs no reference
 * client writes answer 405.
 */
import { type AuthEnv, getPrincipal, type Principal } from '@gpuq/auth';
import { cancelTask, withJwtClaims } from '@gpuq/db';
import type { Context, Hono } from 'hono';
import { PostgrestError } from '../rpc/postgrest-error.js';
import type { RouteContext } from '../settings.js';
import { type Condition, parseError, parseReadQuery, type SelectItem } from './query-grammar.js';
import { insertTasks } from './rest-insert.js';
import {
  assertPublicProfile,
  claimsOf,
  fromDatabase,
  JSON_CONTENT_TYPE,
  notOneRow,
  OBJECT_CONTENT_TYPE,
  unknownTable,
  wantsCount,
  wantsObject,
} from './rest-request.js';
import { buildRepresentation, buildWriteTargets, type TableColumns } from './rest-sql.js';
import type { ColumnsByTable } from './rest-tables.js';
import { checkedPatch, type Patch, type TableWrites, writesOf } from './rest-writes.js';

type Verb = 'PATCH' | 'DELETE';

interface WriteRequest {
  table: TableColumns;
  writes: TableWrites;
  where: Condition[];
  select: SelectItem[] | null;
}

interface ChangedRow {
  id: string;
  status: string;
  task_type?: string;
}

function notServed(verb: string, table: string): PostgrestError {
  return new PostgrestError(405, {
    code: 'PGRST117',
    message: `Unsupported HTTP verb: ${verb} on ${table}`,
    details:
      'this /rest/v1 writes only what the reference clients write: POST and PATCH tasks, PATCH workers, DELETE tasks',
    hint: 'tasks are finished through /functions/v1 (update-task-status, complete_task)',
  });
}

async function writeRequest(
  c: Context<AuthEnv>,
  verb: Verb,
  columns: () => Promise<ColumnsByTable>,
): Promise<WriteRequest> {
  const name = c.req.param('table')!;
  const writes = writesOf(name);
  if (!writes || (verb === 'DELETE' && writes.deleteSql === null)) throw notServed(verb, name);
  assertPublicProfile(c.req.header('content-profile'));
  const tableColumns = (await columns()).get(name);
  if (!tableColumns) throw unknownTable(name);
  const query = parseReadQuery(new URL(c.req.url).searchParams);
  if (query.limit !== null || query.offset > 0 || query.order.length > 0) {
    throw parseError('limit, offset and order are not served on writes', 'filter the rows to write instead');
  }
  if (query.where.length === 0) {
    // Supabase's safeupdate: a write without a filter would reach every row.
    throw new PostgrestError(400, {
      code: '21000',
      message: `${verb === 'PATCH' ? 'UPDATE' : 'DELETE'} requires a WHERE clause`,
      details: null,
      hint: null,
    });
  }
  return {
    table: { table: name, columns: tableColumns },
    writes,
    where: query.where,
    select: query.select,
  };
}

interface WriteOutcome {
  count: number;
  /** The rows to answer with (empty unless represented). */
  body: unknown[];
  changed: ChangedRow[];
}

interface WriteAsk {
  verb: Verb;
  patch: Patch | null;
  represent: boolean;
  asObject: boolean;
}

/**
 * The write as PostgREST runs it: one transaction as the caller's role and claims, the rows
 * locked (`for update`: the role needs the update grant), each row through its table's write.
 */
async function writeAsCaller(
  ctx: RouteContext,
  principal: Principal,
  request: WriteRequest,
  ask: WriteAsk,
): Promise<WriteOutcome> {
  const { table, writes } = request;
  return withJwtClaims(ctx.db, claimsOf(principal), async (tx) => {
    const targets = buildWriteTargets(table, request.where, true);
    const keys = (await tx.query<{ key: string }>(targets.sql, targets.params)).rows.map((row) => row.key);
    if (ask.asObject && keys.length !== 1) throw notOneRow(keys.length);
    const shown = buildRepresentation(table, request.select, writes.keyType, keys);
    const represented = async () =>
      (await tx.query<{ body: unknown[] }>(shown.sql, shown.params)).rows[0]!.body;
    // A deleted row is shown as it was.
    const before = ask.verb === 'DELETE' && ask.represent ? await represented() : [];
    const changed: ChangedRow[] = [];
    for (const key of keys) {
      const { rows } =
        ask.verb === 'PATCH'
          ? await tx.query<ChangedRow>(writes.updateSql, [key, JSON.stringify(ask.patch)])
          : await tx.query<ChangedRow>(writes.deleteSql!, [key]);
      changed.push(...rows);
    }
    const body = ask.verb === 'PATCH' && ask.represent ? await represented() : before;
    return { count: keys.length, body, changed };
  });
}

/**
 * A signed-in user's cancel of their own tasks (`owner` in rest-writes.ts): row-level security
 * picks the rows, read as the user; then, in one transaction, each is cancelled by cancel_task
 * scoped to that user (it re-checks the owner and the state under its row lock: a task finished
 * meanwhile is 409 and nothing is cancelled), refunded, and its travel stopped.
 */
async function cancelAsOwner(
  ctx: RouteContext,
  principal: Principal & { kind: 'user' },
  request: WriteRequest,
  ask: WriteAsk,
): Promise<WriteOutcome> {
  const { table, writes } = request;
  const claims = claimsOf(principal);
  const targets = buildWriteTargets(table, request.where, false);
  const keys = await withJwtClaims(ctx.db, claims, async (tx) =>
    (await tx.query<{ key: string }>(targets.sql, targets.params)).rows.map((row) => row.key),
  );
  if (ask.asObject && keys.length !== 1) throw notOneRow(keys.length);
  const changed: ChangedRow[] = [];
  if (ask.patch?.status === 'Cancelled') {
    await ctx.db.transaction(async (tx) => {
      for (const taskId of keys) {
        const task = await cancelTask(tx, {
          taskId,
          userId: principal.userId,
          reason: 'cancelled by its owner',
        });
        changed.push({ id: task.id, status: task.status, task_type: task.taskType });
      }
    });
  }
  const shown = buildRepresentation(table, request.select, writes.keyType, keys);
  const body = ask.represent
    ? await withJwtClaims(
        ctx.db,
        claims,
        async (tx) => (await tx.query<{ body: unknown[] }>(shown.sql, shown.params)).rows[0]!.body,
      )
    : [];
  return { count: keys.length, body, changed };
}

/** Runs the write and answers as PostgREST does; after the commit, stops fleet jobs it finished. */
async function answerWrite(
  c: Context<AuthEnv>,
  ctx: RouteContext,
  request: WriteRequest,
  ask: WriteAsk,
): Promise<Response> {
  const principal = getPrincipal(c);
  const result = await (principal.kind === 'user' && request.writes.owner && ask.verb === 'PATCH'
    ? cancelAsOwner(ctx, principal, request, ask)
    : writeAsCaller(ctx, principal, request, ask)
  ).catch((error: unknown) => {
    throw fromDatabase(error) ?? error;
  });

  if (request.table.table === 'tasks') await stopFinishedJobs(ctx, ask.verb, result.changed);
  const prefer = c.req.header('prefer');
  const range = result.count > 0 ? `0-${result.count - 1}` : '*';
  const headers = { 'content-range': `${range}/${wantsCount(prefer) ? result.count : '*'}` };
  if (!ask.represent) return c.body(null, 204, headers);
  if (ask.asObject) {
    return c.body(JSON.stringify(result.body[0]), 200, { ...headers, 'content-type': OBJECT_CONTENT_TYPE });
  }
  return c.body(JSON.stringify(result.body), 200, { ...headers, 'content-type': JSON_CONTENT_TYPE });
}

function writeAsk(c: Context<AuthEnv>, verb: Verb, patch: Patch | null): WriteAsk {
  return {
    verb,
    patch,
    represent: /\breturn=representation\b/.test(c.req.header('prefer') ?? ''),
    asObject: wantsObject(c.req.header('accept')),
  };
}

/**
 * A task this write failed, cancelled or deleted may have a job on our BullMQ fleet: it stops, as
 * after update-task-status. The task is settled either way; a failure here is only logged.
 */
async function stopFinishedJobs(
  ctx: RouteContext,
  verb: Verb,
  changed: readonly ChangedRow[],
): Promise<void> {
  if (!ctx.stopJob) return;
  for (const row of changed) {
    if (verb === 'PATCH' && row.status !== 'Failed' && row.status !== 'Cancelled') continue;
    try {
      await ctx.stopJob({ id: row.id, taskType: row.task_type ?? '' });
    } catch (error) {
      ctx.logger.warn({ taskId: row.id, err: (error as Error).message }, 'could not stop the fleet job');
    }
  }
}

async function jsonBody(c: Context<AuthEnv>): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new PostgrestError(400, {
      code: 'PGRST102',
      message: 'Empty or invalid json',
      details: null,
      hint: null,
    });
  }
}

export function restWriteRoutes(
  app: Hono<AuthEnv>,
  ctx: RouteContext,
  columns: () => Promise<ColumnsByTable>,
): void {
  app.patch('/:table', async (c) => {
    const request = await writeRequest(c, 'PATCH', columns);
    const asOwner = getPrincipal(c).kind === 'user';
    const body = await jsonBody(c);
    const patch = checkedPatch(request.table.table, request.writes, request.table.columns, body, asOwner);
    return answerWrite(c, ctx, request, writeAsk(c, 'PATCH', patch));
  });
  app.delete('/:table', async (c) => {
    const request = await writeRequest(c, 'DELETE', columns);
    return answerWrite(c, ctx, request, writeAsk(c, 'DELETE', null));
  });
  app.post('/:table', async (c) => {
    const name = c.req.param('table');
    if (name !== 'tasks') throw notServed('POST', name);
    assertPublicProfile(c.req.header('content-profile'));
    const tableColumns = (await columns()).get(name);
    if (!tableColumns) throw unknownTable(name);
    return insertTasks(c, ctx, { table: name, columns: tableColumns }, await jsonBody(c));
  });
  app.put('/:table', (c) => {
    throw notServed('PUT', c.req.param('table'));
  });
}
