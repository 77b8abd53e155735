/**
 * `GET|HEAD /rest/v1/<table>`: PostgREST's table reads for the allow-listed tables, run the way
 * PostgREST runs them — one transaction, `set local role` to the caller's role and its claims in
 * `request.jwt.claims` (withJwtClaims) — so grants and row-level security decide what is seen,
 * exactly as on Supabase. The service role sees every row; a user (JWT, or a personal access token
 * of scope `tasks` / `all`, which acts as its owner) only what the policies give them.
 *
 * Served: select lists, filters, or/and/not, order, limit/offset, the Range request header,
 * Content-Range, `Prefer: count=exact`, `Accept: application/vnd.pgrst.object+json`. Writes answer
 * 405 PGRST117: every change to a task goes through the task functions (credits ride on the rows).
 */
import { type AuthEnv, getPrincipal, type Principal, requireTokenScope } from '@gpuq/auth';
import { DatabaseError, type JwtClaims, withJwtClaims } from '@gpuq/db';
import { type Context, Hono } from 'hono';
import { PostgrestError, postgrestErrorHandler } from '../rpc/postgrest-error.js';
import { ensurePrincipal } from '../scope.js';
import type { RouteContext } from '../settings.js';
import { parseReadQuery } from './query-grammar.js';
import { buildRead } from './rest-sql.js';
import { REST_TABLES, tableColumnsLoader } from './rest-tables.js';

/** Supabase's default `db-max-rows`: no single answer holds more rows than this. */
export const REST_MAX_ROWS = 1000;

const OBJECT_MEDIA_TYPE = 'application/vnd.pgrst.object+json';

function claimsOf(principal: Principal): JwtClaims {
  return principal.kind === 'service'
    ? { role: 'service_role' }
    : { role: 'authenticated', sub: principal.userId, aud: 'authenticated' };
}

function unknownTable(name: string): PostgrestError {
  return new PostgrestError(404, {
    code: 'PGRST205',
    message: `Could not find the table 'public.${name}' in the schema cache`,
    details: null,
    hint: null,
  });
}

/** SQLSTATE of what the driver (or the data layer, which wraps it) threw. */
function sqlState(error: unknown): string | null {
  if (error instanceof DatabaseError) return error.code ?? sqlState(error.cause);
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return /^[0-9A-Z]{5}$/.test(error.code) ? error.code : null;
  }
  return null;
}

/**
 * The database refused the statement for what the request asked (no grant, a value the column's
 * type cannot take, an operator the type lacks): its SQLSTATE and message, as PostgREST answers.
 */
function fromDatabase(error: unknown): PostgrestError | null {
  const code = sqlState(error);
  if (!code) return null;
  const status = code === '42501' ? 403 : /^(22|23|42)/.test(code) ? 400 : null;
  if (status === null) return null;
  const message = error instanceof Error ? error.message : String(error);
  return new PostgrestError(status, { code, message, details: null, hint: null }, { cause: error });
}

interface Page {
  offset: number;
  limit: number | null;
}

/** `Range: 0-9` (items) intersected with `offset` / `limit`, as PostgREST does. */
function requestedPage(c: Context, offset: number, limit: number | null): Page {
  const header = c.req.header('range');
  const unit = c.req.header('range-unit');
  let start = offset;
  let end = limit === null ? Number.POSITIVE_INFINITY : offset + limit - 1;
  if (header && (unit === undefined || unit === 'items')) {
    const match = header.trim().match(/^(?:items=)?(\d{1,9})-(\d{0,9})$/);
    if (!match) {
      throw new PostgrestError(416, {
        code: 'PGRST103',
        message: 'Requested range not satisfiable',
        details: `the Range header "${header}" is not "<first>-<last>"`,
        hint: null,
      });
    }
    const first = Number(match[1]);
    const last = match[2] === '' ? Number.POSITIVE_INFINITY : Number(match[2]);
    if (last < first) {
      throw new PostgrestError(416, {
        code: 'PGRST103',
        message: 'Requested range not satisfiable',
        details: 'the last row of the Range header is before its first',
        hint: null,
      });
    }
    start = Math.max(start, first);
    end = Math.min(end, last);
  }
  const rows = Math.min(end - start + 1, REST_MAX_ROWS);
  return { offset: start, limit: Math.max(rows, 0) };
}

function wantsCount(c: Context): boolean {
  const prefer = c.req.header('prefer') ?? '';
  // planned / estimated are answered with the exact count: tables here are small enough.
  return /\bcount=(exact|planned|estimated)\b/.test(prefer);
}

export function restRoutes(ctx: RouteContext): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  const columns = tableColumnsLoader(ctx.db);
  app.onError(postgrestErrorHandler(ctx.logger));

  // Unknown tables answer before authentication, as unknown rpc names do.
  app.use('/:table', async (c, next) => {
    if (!(REST_TABLES as readonly string[]).includes(c.req.param('table')))
      throw unknownTable(c.req.param('table'));
    await next();
  });
  app.use('/:table', ensurePrincipal(ctx.authenticator, { apikeyHeader: true }));
  app.use('/:table', requireTokenScope('tasks'));

  app.get('/:table', async (c) => {
    const name = c.req.param('table');
    const profile = c.req.header('accept-profile');
    if (profile !== undefined && profile !== 'public') {
      throw new PostgrestError(406, {
        code: 'PGRST106',
        message: 'The schema must be one of the following: public',
        details: null,
        hint: null,
      });
    }
    const tableColumns = (await columns()).get(name);
    if (!tableColumns) throw unknownTable(name);
    const query = parseReadQuery(new URL(c.req.url).searchParams);
    const page = requestedPage(c, query.offset, query.limit);
    const statements = buildRead({ table: name, columns: tableColumns }, query, page);
    const counting = wantsCount(c);
    const principal = getPrincipal(c);
    const result = await withJwtClaims(ctx.db, claimsOf(principal), async (tx) => {
      const { rows } = await tx.query<{ body: unknown[]; returned: string }>(
        statements.page.sql,
        statements.page.params,
      );
      const total = counting
        ? Number(
            (await tx.query<{ total: string }>(statements.count.sql, statements.count.params)).rows[0]!.total,
          )
        : null;
      return { body: rows[0]!.body, returned: Number(rows[0]!.returned), total };
    }).catch((error: unknown) => {
      throw fromDatabase(error) ?? error;
    });

    const { offset } = page;
    const range = result.returned > 0 ? `${offset}-${offset + result.returned - 1}` : '*';
    const headers: Record<string, string> = {
      'content-range': `${range}/${result.total ?? '*'}`,
    };
    // An offset past the last row, known only when counted (PostgREST's PGRST103).
    if (result.total !== null && offset > 0 && offset >= result.total) {
      throw new PostgrestError(
        416,
        {
          code: 'PGRST103',
          message: 'Requested range not satisfiable',
          details: `An offset of ${offset} was requested, but there are only ${result.total} rows.`,
          hint: null,
        },
        { headers },
      );
    }

    if ((c.req.header('accept') ?? '').includes(OBJECT_MEDIA_TYPE)) {
      if (result.returned !== 1) {
        throw new PostgrestError(406, {
          code: 'PGRST116',
          message: 'JSON object requested, multiple (or no) rows returned',
          details: `The result contains ${result.returned} rows`,
          hint: null,
        });
      }
      return c.body(JSON.stringify(result.body[0]), 200, {
        ...headers,
        'content-type': `${OBJECT_MEDIA_TYPE}; charset=utf-8`,
      });
    }
    const partial = result.total !== null && (offset > 0 || offset + result.returned < result.total);
    return c.body(JSON.stringify(result.body), partial ? 206 : 200, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
    });
  });

  app.on(['POST', 'PATCH', 'PUT', 'DELETE'], '/:table', () => {
    throw new PostgrestError(405, {
      code: 'PGRST117',
      message: 'Unsupported HTTP verb: this /rest/v1 serves reads only',
      details: 'tasks change only through the task functions, which keep credits and dependants right',
      hint: 'use /functions/v1/update-task-status or the /rest/v1/rpc functions',
    });
  });
  return app;
}
