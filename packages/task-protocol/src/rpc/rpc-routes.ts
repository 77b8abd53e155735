/**
 * `POST /rest/v1/rpc/<name>` for the allow-list in rpc-functions.ts, as supabase-js `.rpc()`
 * calls it: the arguments are the JSON body's keys, the answer is the function's value, errors
 * are PostgREST-shaped. Any other name is PostgREST's 404 (PGRST202), whatever the caller.
 */
import { type AuthEnv, requireTokenScope } from '@gpuq/auth';
import { readJson } from '@gpuq/http';
import { Hono } from 'hono';
import type { z } from 'zod';
import { callerScope, ensurePrincipal } from '../scope.js';
import type { RouteContext } from '../settings.js';
import {
  invalidArgumentError,
  PostgrestError,
  postgrestErrorHandler,
  unknownFunctionError,
} from './postgrest-error.js';
import { RPC_FUNCTIONS } from './rpc-functions.js';

export function rpcRoutes(ctx: RouteContext): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.onError(postgrestErrorHandler(ctx.logger));
  app.post('/rpc/:name', async (c, next) => {
    // Unknown names answer 404 before authentication: nothing about them exists to protect.
    if (!Object.hasOwn(RPC_FUNCTIONS, c.req.param('name'))) {
      throw unknownFunctionError(c.req.param('name'), []);
    }
    await next();
  });
  app.post('/rpc/:name', ensurePrincipal(ctx.authenticator, { apikeyHeader: true }));
  app.post('/rpc/:name', requireTokenScope('tasks'), async (c) => {
    const name = c.req.param('name');
    const fn = RPC_FUNCTIONS[name]!;
    const scope = callerScope(c);
    const raw = await readJson(c);
    const parsed = fn.args.safeParse(raw);
    if (!parsed.success) {
      const keys = raw && typeof raw === 'object' ? Object.keys(raw) : [];
      const badValue = badArgumentValue(parsed.error.issues, keys);
      if (badValue) throw badValue;
      const error = unknownFunctionError(name, keys);
      throw new PostgrestError(error.status, {
        ...error.body,
        hint: parsed.error.issues[0]?.message ?? null,
      });
    }
    return c.json((await fn.run(ctx, scope, parsed.data as never)) ?? null);
  });
  return app;
}

/**
 * The arguments name the function but one holds a value it cannot take (a number beyond its
 * `integer`, text that is no UUID): PostgREST answers 400 with the database's complaint, so do we,
 * naming the parameter. Arguments that name no signature stay PGRST202.
 */
function badArgumentValue(
  issues: readonly z.core.$ZodIssue[],
  keys: readonly string[],
): PostgrestError | null {
  const given = new Set(keys);
  const branches = issues.flatMap((issue) => (issue.code === 'invalid_union' ? issue.errors : [[issue]]));
  for (const branch of branches) {
    if (branch.length === 0) continue;
    if (branch.every((issue) => issue.path.length > 0 && given.has(String(issue.path[0])))) {
      const issue = branch[0]!;
      return invalidArgumentError(`${issue.path.join('.')}: ${issue.message}`);
    }
  }
  return null;
}
