/**
 * What a personal access token may be used for. A pull-worker's token (`tasks`) reaches the task
 * protocol (its functions and rpc) and nothing else; an app's token (`jobs`) reaches queue-job,
 * jobs, events and the admin image, but not the protocol. `all` is what every token could do
 * before scopes existed, kept for those tokens. JWTs are a signed-in user and are not scoped.
 * The scope names are job-types' TokenScopeName.
 */
import type { TokenScopeName } from '@gpuq/job-types';
import type { MiddlewareHandler } from 'hono';
import { ForbiddenError } from '../errors/forbidden-error.js';
import type { AuthEnv } from '../middleware/auth-middleware.js';
import { getPrincipal } from '../middleware/guards.js';
import type { Principal } from '../principal.js';

/** The part of the API a route belongs to. */
export type ApiArea = 'tasks' | 'jobs';

export function scopeAllows(scope: TokenScopeName, area: ApiArea): boolean {
  return scope === 'all' || scope === area;
}

/** Throws ForbiddenError when the caller is a token whose scope does not cover `area`. */
export function assertTokenScope(principal: Principal, area: ApiArea): void {
  if (principal.kind !== 'user' || principal.via !== 'pat') return;
  const scope = principal.scope ?? 'all';
  if (!scopeAllows(scope, area)) {
    throw new ForbiddenError(
      `this token's scope is "${scope}": it cannot be used for ${area === 'tasks' ? 'the task protocol' : 'jobs'}; create a token with scope "${area}"`,
    );
  }
}

export function requireTokenScope(area: ApiArea): MiddlewareHandler<AuthEnv> {
  return async function requireTokenScope(c, next) {
    assertTokenScope(getPrincipal(c), area);
    await next();
  };
}
