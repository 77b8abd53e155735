/**
 * Token scoping, once for every endpoint: the service role sees every task; a user (JWT or
 * personal access token) sees only the tasks of their own projects. An unknown task is 404; a
 * task that exists but is someone else's is 403 (the caller is known, just not allowed).
 */
import {
  type AuthEnv,
  type Authenticator,
  extractBearerToken,
  getPrincipal,
  type Principal,
} from '@gpuq/auth';
import { type Database, getTask, type Task } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import type { Context, MiddlewareHandler } from 'hono';

export interface Scope {
  /** The user whose tasks the caller may touch; null for the service role (every user). */
  userId: string | null;
  /** Whether the caller's claims register their worker (see mayRegisterWorkers). Default false. */
  registersWorkers?: boolean;
}

export function scopeOf(principal: Principal): Scope {
  return {
    userId: principal.kind === 'user' ? principal.userId : null,
    registersWorkers: mayRegisterWorkers(principal),
  };
}

/**
 * Whether the caller speaks for the worker fleet, and so may register workers: the service role,
 * or a personal access token made for pull-workers (scope `tasks`).
 */
export function mayRegisterWorkers(principal: Principal): boolean {
  return principal.kind === 'service' || (principal.via === 'pat' && principal.scope === 'tasks');
}

export function callerScope(c: Context<AuthEnv>): Scope {
  return scopeOf(getPrincipal(c));
}

/**
 * Sets the principal when the mounting app did not (the rpc routes, or an app without
 * authMiddleware on /functions). `apikey` is read too: the Headless heartbeat sends its key there.
 */
export function ensurePrincipal(
  authenticator: Authenticator | undefined,
  options: { apikeyHeader?: boolean } = {},
): MiddlewareHandler<AuthEnv> {
  return async function ensurePrincipal(c, next) {
    const known = (c.var as Partial<AuthEnv['Variables']>).principal;
    if (!known && authenticator) {
      const token =
        extractBearerToken({ authorization: c.req.header('authorization') }) ??
        (options.apikeyHeader ? c.req.header('apikey') : undefined);
      c.set('principal', await authenticator.authenticate(token));
    }
    await next();
  };
}

/** The task, if the caller may see it. */
export async function taskInScope(db: Database, scope: Scope, taskId: string): Promise<Task> {
  const task = await getTask(db, { taskId });
  if (!task) throw new HttpError(404, 'not_found', `task ${taskId} not found`);
  if (scope.userId !== null && task.userId !== scope.userId) {
    throw new HttpError(403, 'forbidden', `task ${taskId} is not in your projects`);
  }
  return task;
}
