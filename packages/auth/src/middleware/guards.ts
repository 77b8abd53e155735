/**
 * Route guards over the principal that authMiddleware set: 403 for a known caller of the wrong
 * kind, 401 when no principal is there at all (the middleware was not mounted, or a preflight).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { AuthError } from '../errors/auth-error.js';
import { AuthUnavailableError } from '../errors/auth-unavailable-error.js';
import { ForbiddenError } from '../errors/forbidden-error.js';
import type { Principal, UserPrincipal } from '../principal.js';
import type { AuthEnv } from './auth-middleware.js';

export function getPrincipal<E extends AuthEnv>(c: Context<E>): Principal {
  const principal = (c.var as Partial<AuthEnv['Variables']>).principal;
  if (!principal) throw new AuthError('missing', 'missing bearer token');
  return principal;
}

/** The calling user; throws ForbiddenError for the service role. */
export function getUser<E extends AuthEnv>(c: Context<E>): UserPrincipal {
  const principal = getPrincipal(c);
  if (principal.kind !== 'user') throw new ForbiddenError('this route acts for a user: use a user token');
  return principal;
}

export function requireUser(): MiddlewareHandler<AuthEnv> {
  return async function requireUser(c, next) {
    getUser(c);
    await next();
  };
}

export function requireService(): MiddlewareHandler<AuthEnv> {
  return async function requireService(c, next) {
    if (getPrincipal(c).kind !== 'service') throw new ForbiddenError('this route needs the service role');
    await next();
  };
}

export interface RequireAdminOptions {
  /** Whether the user is an admin (a profile with role 'admin' in Postgres). */
  isAdmin: (userId: string) => Promise<boolean>;
  /** Whether the service role passes as an admin. Default true: it can already do everything. */
  allowService?: boolean;
}

export function requireAdmin(options: RequireAdminOptions): MiddlewareHandler<AuthEnv> {
  const allowService = options.allowService ?? true;
  return async function requireAdmin(c, next) {
    const principal = getPrincipal(c);
    const admin = principal.kind === 'service' ? allowService : await checkAdmin(options, principal.userId);
    if (!admin) throw new ForbiddenError('admins only');
    await next();
  };
}

// A failing check (Postgres down) is a 503 like the other lookups auth depends on, never a 403.
async function checkAdmin(options: RequireAdminOptions, userId: string): Promise<boolean> {
  try {
    return await options.isAdmin(userId);
  } catch (error) {
    throw new AuthUnavailableError('the admin check could not be made', { cause: error });
  }
}

/**
 * The calling user when signed in (a JWT), for what a token must not do for itself: minting or
 * managing tokens. A leaked token could otherwise mint replacements that outlive its revocation.
 */
export function getSignedInUser<E extends AuthEnv>(c: Context<E>): UserPrincipal {
  const user = getUser(c);
  if (user.via !== 'jwt') {
    throw new ForbiddenError(
      'personal access tokens cannot manage tokens: sign in (use a session JWT) to create, list or revoke tokens',
    );
  }
  return user;
}
