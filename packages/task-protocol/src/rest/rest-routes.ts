/**
 * `GET|HEAD /rest/v1/<table>`: PostgREST's table reads for the allow-listed tables, run the way
 * PostgREST runs them — one transaction, `set local role` to the caller's role and its claims in
 * `request.jwt.claims` (withJwtClaims) — so grants and row-level security decide what is seen,
 * exactly as on Supabase. The service role sees every row; a user (JWT, or a personal access token
 * of scope `tasks` / `all`, which acts as its owner) only what the policies give them.
 *
 * Served: select lists, filters, or/and/not, order, limit/offset, the Range request header,
 * Content-Range, `Prefer: count=exact`, `Accept: application/vnd.pgrst.object+json`. The writes the
 * Headless worker makes (PATCH and DELETE) are rest-write-routes.ts.
 */
import { type AuthEnv, getPrincipal, requireTokenScope } from '@gpuq/auth';
import { withJwtClaims } from '@gpuq/db';
import { type Context, Hono } from 'hono';
import { PostgrestError, postgrestErrorHandler } from '../rpc/postgrest-error.js';
import { ensurePrincipal } from '../scope.js';
import type { RouteContext } from '../settings.js';
import { parseReadQuery } from './query-grammar.js';
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
import { buildRead } from './rest-sql.js';
import { REST_TABLES, tableColumnsLoader } from './rest-tables.js';
import { restWriteRoutes } from './rest-write-routes.js';

/** Supabase's default `db-max-rows`: no single answer holds more rows than this. */
export const REST_MAX_ROWS = 1000;

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
    assertPublicProfile(c.req.header('accept-profile'));
    const tableColumns = (await columns()).get(name);
    if (!tableColumns) throw unknownTable(name);
    const query = parseReadQuery(new URL(c.req.url).searchParams);
    const page = requestedPage(c, query.offset, query.limit);
    const statements = buildRead({ table: name, columns: tableColumns }, query, page);
    const counting = wantsCount(c.req.header('prefer'));
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

    if (wantsObject(c.req.header('accept'))) {
      if (result.returned !== 1) throw notOneRow(result.returned);
      return c.body(JSON.stringify(result.body[0]), 200, { ...headers, 'content-type': OBJECT_CONTENT_TYPE });
    }
    const partial = result.total !== null && (offset > 0 || offset + result.returned < result.total);
    return c.body(JSON.stringify(result.body), partial ? 206 : 200, {
      ...headers,
      'content-type': JSON_CONTENT_TYPE,
    });
  });

  restWriteRoutes(app, ctx, columns);
  return app;
}
