/**
 * Who may open the operator pages (Bull Board): an admin signed in through /admin/login (a session
 * cookie, re-checked against Postgres: signed out, expired or demoted admins are refused), the
 * configured basic-auth operator, or a request bearing an admin's token. Every state-changing
 * request must also come from this origin: browsers attach basic-auth credentials to cross-site
 * requests, so the Origin check is what stops a hostile page from retrying or removing jobs.
 *
 * Basic-auth guessing is throttled per client address: after ADMIN_AUTH_MAX_FAILURES failures the
 * address gets 429 with Retry-After for ADMIN_AUTH_BACKOFF_S, doubling with each further failure.
 * During a lock no password is checked (or the lock would not slow guessing); a success forgets
 * the address's failures, and successful requests are never counted.
 */
import { constantTimeEqual } from '@gpuq/callback-client/signing';
import { HttpError } from '@gpuq/http';
import type { FailureBackoff } from '@gpuq/rate-limit';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { ADMIN_COOKIE } from './admin-session.js';
import type { AdminSessionStore } from './admin-session-store.js';

export interface AdminGateOptions {
  sessions: AdminSessionStore;
  basic?: { user: string; password: string };
  /** Resolves a bearer token to an admin's user id, or null when it is not an admin's. */
  adminFromBearer(token: string): Promise<string | null>;
  /** Failed basic-auth attempts per client address. Absent: not throttled. */
  throttle?: FailureBackoff;
  /** Where a browser without credentials is sent. */
  loginPath?: string;
}

function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The peer's address (the socket, not a header a client could forge). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // Not served by the node server (app.request in tests): one shared bucket.
    return 'unknown';
  }
}

function tooManyFailures(lockMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(lockMs / 1000));
  return new HttpError(
    429,
    'rate_limited',
    `too many failed admin sign-ins from this address; retry in ${seconds} s`,
    { headers: { 'retry-after': String(seconds) } },
  );
}

export function adminGate(options: AdminGateOptions): MiddlewareHandler {
  const loginPath = options.loginPath ?? '/admin/login';

  async function basicOperator(c: Context, basic: { user: string; password: string }): Promise<boolean> {
    if (!options.basic) return false;
    const client = clientAddress(c);
    const locked = (await options.throttle?.lockedFor(client)) ?? 0;
    if (locked > 0) throw tooManyFailures(locked);
    // Both compared, always: the answer's timing does not tell which one was wrong.
    const userOk = constantTimeEqual(basic.user, options.basic.user);
    const passwordOk = constantTimeEqual(basic.password, options.basic.password);
    if (userOk && passwordOk) {
      await options.throttle?.forget(client);
      return true;
    }
    const lock = (await options.throttle?.recordFailure(client)) ?? 0;
    if (lock > 0) throw tooManyFailures(lock);
    return false;
  }

  return async function requireAdmin(c, next) {
    const authorization = c.req.header('authorization');
    if (authorization?.startsWith('Bearer ')) {
      // Browsers never attach bearer tokens on their own, so no origin check is needed here.
      if (await options.adminFromBearer(authorization.slice(7))) return next();
      throw new HttpError(403, 'forbidden', 'admin role required');
    }
    const basic = basicCredentials(authorization);
    const allowed = basic
      ? await basicOperator(c, basic)
      : (await options.sessions.adminOf(getCookie(c, ADMIN_COOKIE))) !== null;
    if (allowed) {
      if (
        !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) &&
        c.req.header('origin') !== new URL(c.req.url).origin
      ) {
        throw new HttpError(403, 'forbidden', 'state-changing admin requests must come from this origin');
      }
      return next();
    }
    const wantsPage = (c.req.header('accept') ?? '').includes('text/html');
    if (wantsPage && !options.basic) return c.redirect(loginPath, 303);
    if (options.basic) c.header('WWW-Authenticate', 'Basic realm="gpuq operators", charset="UTF-8"');
    throw new HttpError(401, 'unauthorized', 'admin sign-in required');
  };
}
