/**
 * Runs statements the way PostgREST runs a request: in one transaction, `set local role` to the
 * token's role and `request.jwt.claims` to its claims, so row-level security and auth.uid() apply.
 * The api's `/rest/v1/rpc/*` path and the RLS tests use it.
 */
import type { Database, Transaction } from './database.js';

export type PostgrestRole = 'anon' | 'authenticated' | 'service_role';

export interface JwtClaims {
  role: PostgrestRole;
  /** The user id (required for `authenticated`). */
  sub?: string;
  [claim: string]: unknown;
}

const ROLES: readonly PostgrestRole[] = ['anon', 'authenticated', 'service_role'];

export async function withJwtClaims<T>(
  db: Database,
  claims: JwtClaims,
  work: (tx: Transaction) => Promise<T>,
): Promise<T> {
  // SET ROLE takes no parameter: only these three names can reach the statement.
  if (!ROLES.includes(claims.role)) throw new TypeError(`unknown role ${JSON.stringify(claims.role)}`);
  return db.transaction(async (tx) => {
    await tx.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
    await tx.exec(`set local role ${claims.role}`);
    return work(tx);
  });
}
