/**
 * Personal access tokens: long random strings shown to the user once and stored only as their
 * SHA-256 hash. Lookups go through a function the app injects, so this
 * package never touches Postgres.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { TokenScopeName } from '@gpuq/job-types';

/** Marks our tokens so they are recognisable in a leak scan and never mistaken for a JWT. */
export const PAT_PREFIX = 'gpuq_pat_';

/** What the app's store knows about a token, found by its hash. */
export interface PersonalAccessTokenRecord {
  /** The token's id, carried on the principal (a stream re-checks it; listings name it). */
  id?: string;
  userId: string;
  /** What the token may be used for. Absent: `all`. */
  scope?: TokenScopeName | null;
  /** Set once the token is revoked; a revoked token is refused. */
  revokedAt?: Date | string | null;
  /** Past this instant the token is refused. */
  expiresAt?: Date | string | null;
}

/** Finds a token by its SHA-256 hex hash; null or undefined when no such token exists. */
export type PersonalAccessTokenLookup = (
  tokenHash: string,
) => Promise<PersonalAccessTokenRecord | null | undefined>;

/** Hex SHA-256 of a token: what the tokens table stores and what the lookup receives. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface NewPersonalAccessToken {
  /** The secret to show once. */
  token: string;
  /** What to store. */
  tokenHash: string;
  /** A short, non-secret start of the token for listings ("gpuq_pat_Ab12…"). */
  displayPrefix: string;
}

export function generatePersonalAccessToken(): NewPersonalAccessToken {
  const token = `${PAT_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashToken(token), displayPrefix: token.slice(0, PAT_PREFIX.length + 4) };
}
