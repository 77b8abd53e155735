/** Profiles: created on first sight with the sign-up credits; credits and the admin role. */
import type { Queryable } from '../database/database.js';
import { queryCamel, queryOne } from '../database/run-query.js';

export type ProfileRole = 'user' | 'admin';

export interface Profile {
  id: string;
  displayName: string | null;
  credits: number;
  role: ProfileRole;
  createdAt: Date;
  updatedAt: Date;
}

/** The user's profile, created with `signupCredits` (GPUQ_SIGNUP_CREDITS) when first seen. */
export async function ensureProfile(
  db: Queryable,
  input: { userId: string; signupCredits: number },
): Promise<Profile> {
  return queryOne<Profile>(db, 'select * from public.ensure_profile($1, $2)', [
    input.userId,
    input.signupCredits,
  ]);
}

export async function getProfile(db: Queryable, userId: string): Promise<Profile | null> {
  const [profile] = await queryCamel<Profile>(db, 'select * from public.profiles where id = $1', [userId]);
  return profile ?? null;
}

/**
 * Adds credits (negative removes them), with a ledger row.
 * @throws ProfileNotFoundError; DatabaseError 23514 when the balance would go below zero
 */
export async function grantCredits(
  db: Queryable,
  input: { userId: string; amount: number; note?: string | null },
): Promise<Profile> {
  return queryOne<Profile>(db, 'select * from public.grant_credits($1, $2, $3)', [
    input.userId,
    input.amount,
    input.note ?? null,
  ]);
}

/** Makes the user an admin (`pnpm admin:grant`), creating the profile first if needed. */
export async function grantAdmin(
  db: Queryable,
  input: { userId: string; signupCredits?: number },
): Promise<Profile> {
  return queryOne<Profile>(db, 'select * from public.grant_admin($1, $2)', [
    input.userId,
    input.signupCredits ?? 100,
  ]);
}
