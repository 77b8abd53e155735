/**
 * Who may open the operator pages (Bull Board): an admin signed in through /admin/login (session
 * cookie), the configured basic-auth operator, or a request bearing an admin's token. Every
 * state-changing request must also come from this origin: browsers attach basic-auth credentials
 * to cross-site requests, so the Origin check is what stops a hostile page from retrying or
 * removing jobs.
 */
import { constantTimeEqual } from '@gpuq/callback/signing';
import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { HttpError } from '../http/http-error.js';
import { ADMIN_COOKIE, verifyAdminSession } from './admin-session.js';

export interface AdminGateOptions {
  sessionSecret: string;
  basic?: { user: string; password: string };
  /** Resolves a bearer token to an admin's user id, or null when it is not an admin's. */
  adminFromBearer(token: string): Promise<string | null>;
  /** Where a browser without credentials is sent. */
  loginPath?: string;
}

function basicCredentials(header: string | undefined): { user: string; password: string } | null {
  if (!header?.startsWith('Basic ')) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export function adminGate(options: AdminGateOptions): MiddlewareHandler {
  const loginPath = options.loginPath ?? '/admin/login';
  return async function requireAdmin(c, next) {
    const authorization = c.req.header('authorization');
    if (authorization?.startsWith('Bearer ')) {
      // Browsers never attach bearer tokens on their own, so no origin check is needed here.
      if (await options.adminFromBearer(authorization.slice(7))) return next();
      throw new HttpError(403, 'forbidden', 'admin role required');
    }
    const basic = basicCredentials(authorization);
    const basicOk =
      basic !== null &&
      options.basic !== undefined &&
      constantTimeEqual(basic.user, options.basic.user) &&
      constantTimeEqual(basic.password, options.basic.password);
    const sessionUser = verifyAdminSession(options.sessionSecret, getCookie(c, ADMIN_COOKIE));
    if (basicOk || sessionUser) {
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
