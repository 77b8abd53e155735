/**
 * Operator sign-ins to the admin pages. The session cookie names a row here, so signing out
 * revokes it server-side; a revoked or expired session is not found. `userId` null is the
 * service role.
 */
import type { Queryable } from '../database/database.js';
import { queryCamel, queryOne } from '../database/run-query.js';

export interface AdminSession {
  id: string;
  userId: string | null;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

const COLUMNS = 'id, user_id, created_at, expires_at, revoked_at';

export async function createAdminSession(
  db: Queryable,
  input: { userId: string | null; ttlSeconds: number },
): Promise<AdminSession> {
  return queryOne<AdminSession>(
    db,
    `insert into public.admin_sessions (user_id, expires_at)
     values ($1, now() + make_interval(secs => $2)) returning ${COLUMNS}`,
    [input.userId, input.ttlSeconds],
  );
}

/** The session and its user's current role, when the session is live (not revoked, not expired). */
export async function findLiveAdminSession(
  db: Queryable,
  sessionId: string,
): Promise<(AdminSession & { role: string | null }) | null> {
  const [session] = await queryCamel<AdminSession & { role: string | null }>(
    db,
    `select s.id, s.user_id, s.created_at, s.expires_at, s.revoked_at, p.role
       from public.admin_sessions s left join public.profiles p on p.id = s.user_id
      where s.id = $1 and s.revoked_at is null and s.expires_at > now()`,
    [sessionId],
  );
  return session ?? null;
}

/** False when there was no live session of that id. */
export async function revokeAdminSession(db: Queryable, sessionId: string): Promise<boolean> {
  const rows = await queryCamel<{ id: string }>(
    db,
    'update public.admin_sessions set revoked_at = now() where id = $1 and revoked_at is null returning id',
    [sessionId],
  );
  return rows.length > 0;
}
