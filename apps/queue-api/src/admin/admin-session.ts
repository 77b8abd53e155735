/**
 * The admin session cookie: `<sessionId>.<mac>`, HMAC-signed with a server secret. The id names a
 * row of `admin_sessions` (who, until when, revoked or not), so signing out revokes the session
 * server-side; the signature lets forged cookies be refused without a database read. HttpOnly and
 * SameSite=Strict keep scripts and other sites from using it.
 */
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '@gpuq/callback-client/signing';

export const ADMIN_COOKIE = 'gpuq_admin';
export const ADMIN_SESSION_SECONDS = 8 * 3600;

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function mac(secret: string, sessionId: string): string {
  return createHmac('sha256', secret).update(`gpuq-admin-session:${sessionId}`).digest('base64url');
}

export function signAdminSessionCookie(secret: string, sessionId: string): string {
  return `${sessionId}.${mac(secret, sessionId)}`;
}

/** The session id a cookie names, or null for a missing, malformed or forged cookie. */
export function sessionIdOfCookie(secret: string, cookie: string | undefined): string | null {
  if (!cookie) return null;
  const dot = cookie.indexOf('.');
  if (dot < 0) return null;
  const sessionId = cookie.slice(0, dot);
  if (!SESSION_ID.test(sessionId)) return null;
  return constantTimeEqual(mac(secret, sessionId), cookie.slice(dot + 1)) ? sessionId : null;
}
