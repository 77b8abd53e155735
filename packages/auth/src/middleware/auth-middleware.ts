/**
 * Hono middleware that authenticates every request it sees and puts the principal on the context
 * as `principal`. Create the authenticator once at boot: it holds the JWKS cache.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Authenticator } from '../authenticator.js';
import { extractBearerToken } from '../bearer.js';
import type { Principal } from '../principal.js';

export interface AuthVariables {
  principal: Principal;
}

export interface AuthEnv {
  Variables: AuthVariables;
}

export interface AuthMiddlewareOptions {
  authenticator: Authenticator;
  /**
   * Also accept `?access_token=` when no Authorization header is sent, for a browser's EventSource.
   * Default false: a token in a URL ends up in access logs and browser history, so only the routes
   * that need it (GET /v1/events) should turn it on.
   */
  allowQueryToken?: boolean;
  /**
   * Where else a token may come from when the request sends no Authorization header, e.g. an
   * HttpOnly session cookie set by a sign-in step (Bull Board in a browser). Default: nowhere.
   */
  fallbackToken?: (c: Context) => string | undefined;
}

export function authMiddleware(options: AuthMiddlewareOptions): MiddlewareHandler<AuthEnv> {
  const allowQueryToken = options.allowQueryToken ?? false;
  return async function authMiddleware(c, next) {
    // CORS preflights carry no credentials by design; the guards still refuse them a principal.
    if (c.req.method === 'OPTIONS') return next();
    const token =
      extractBearerToken({
        authorization: c.req.header('authorization'),
        queryToken: allowQueryToken ? c.req.query('access_token') : undefined,
      }) ?? options.fallbackToken?.(c);
    c.set('principal', await options.authenticator.authenticate(token));
    await next();
  };
}
