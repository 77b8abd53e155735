/**
 * Admin sessions over Postgres: sign-in creates a row, sign-out revokes it, and every request
 * re-reads whether the session is live and its user still an admin. That answer is cached for a
 * few seconds (ADMIN_ROLE_CACHE_MS) because Bull Board polls; a demotion or a sign-out on another
 * instance therefore takes effect within that time, a sign-out on this one at once.
 */
import { createAdminSession, type Database, findLiveAdminSession, revokeAdminSession } from '@gpuq/db';
import { LRUCache } from 'lru-cache';
import { ADMIN_SESSION_SECONDS, sessionIdOfCookie, signAdminSessionCookie } from './admin-session.js';

/** The service role signs in with the service key; its session has no user. */
export const SERVICE_ADMIN = 'service';

export interface AdminSessionStore {
  /** A new session for an admin (or SERVICE_ADMIN), as the cookie value to set. */
  open(adminId: string): Promise<string>;
  /** The admin behind a cookie, or null: forged, unknown, expired, revoked, or no longer an admin. */
  adminOf(cookie: string | undefined): Promise<string | null>;
  /** Revokes the cookie's session (a no-op for a bad cookie). */
  close(cookie: string | undefined): Promise<void>;
}

interface SessionCheck {
  /** The admin's id, or null when the session no longer grants anything. */
  adminId: string | null;
}

export function adminSessionStore(options: {
  db: Database;
  secret: string;
  roleCacheMs: number;
  ttlSeconds?: number;
}): AdminSessionStore {
  const { db, secret } = options;
  const checks =
    options.roleCacheMs > 0
      ? new LRUCache<string, SessionCheck>({ max: 10_000, ttl: options.roleCacheMs })
      : null;

  async function check(sessionId: string): Promise<SessionCheck> {
    const session = await findLiveAdminSession(db, sessionId);
    if (!session) return { adminId: null };
    if (session.userId === null) return { adminId: SERVICE_ADMIN };
    return { adminId: session.role === 'admin' ? session.userId : null };
  }

  return {
    async open(adminId) {
      const session = await createAdminSession(db, {
        userId: adminId === SERVICE_ADMIN ? null : adminId,
        ttlSeconds: options.ttlSeconds ?? ADMIN_SESSION_SECONDS,
      });
      return signAdminSessionCookie(secret, session.id);
    },
    async adminOf(cookie) {
      const sessionId = sessionIdOfCookie(secret, cookie);
      if (!sessionId) return null;
      const cached = checks?.get(sessionId);
      if (cached) return cached.adminId;
      const fresh = await check(sessionId);
      checks?.set(sessionId, fresh);
      return fresh.adminId;
    },
    async close(cookie) {
      const sessionId = sessionIdOfCookie(secret, cookie);
      if (!sessionId) return;
      checks?.delete(sessionId);
      await revokeAdminSession(db, sessionId);
    },
  };
}
