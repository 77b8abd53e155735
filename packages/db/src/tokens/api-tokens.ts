/**
 * Personal access tokens. Only the SHA-256 hex digest is stored; the raw token exists once, in
 * the answer to its creation. Lookups hash the presented token and compare digests in SQL.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../database/database.js';
import { queryCamel, queryOne } from '../database/run-query.js';

/** Recognisable in logs and secret scanners; the logger redacts values under token-like keys. */
export const API_TOKEN_PREFIX = 'gpuq_pat_';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the raw token, for telling tokens apart. */
  tokenPrefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

const COLUMNS = 'id, user_id, name, token_prefix, created_at, last_used_at, revoked_at';

export function hashApiToken(rawToken: string): string {
  return createHash('sha256').update(rawToken, 'utf8').digest('hex');
}

/** Creates a token; `token` is the raw value, to show the user once and never store. */
export async function createApiToken(
  db: Queryable,
  input: { userId: string; name?: string },
): Promise<{ token: string; record: ApiToken }> {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const record = await queryOne<ApiToken>(
    db,
    `insert into public.user_api_tokens (user_id, name, token_hash, token_prefix)
     values ($1, $2, $3, $4) returning ${COLUMNS}`,
    [input.userId, input.name ?? '', hashApiToken(token), token.slice(0, API_TOKEN_PREFIX.length + 4)],
  );
  return { token, record };
}

/** The live token a raw value belongs to (and stamps its use); null if unknown or revoked. */
export async function findApiToken(db: Queryable, rawToken: string): Promise<ApiToken | null> {
  const [record] = await queryCamel<ApiToken>(
    db,
    `update public.user_api_tokens set last_used_at = now()
      where token_hash = $1 and revoked_at is null returning ${COLUMNS}`,
    [hashApiToken(rawToken)],
  );
  return record ?? null;
}

/**
 * The token stored under a SHA-256 digest, revoked or not (the caller tells the two apart), and
 * stamps its use when it is live. For authenticators that hash the presented token themselves.
 */
export async function findApiTokenByHash(db: Queryable, tokenHash: string): Promise<ApiToken | null> {
  const [record] = await queryCamel<ApiToken>(
    db,
    `update public.user_api_tokens
        set last_used_at = case when revoked_at is null then now() else last_used_at end
      where token_hash = $1 returning ${COLUMNS}`,
    [tokenHash],
  );
  return record ?? null;
}

export async function listApiTokens(db: Queryable, userId: string): Promise<ApiToken[]> {
  return queryCamel<ApiToken>(
    db,
    `select ${COLUMNS} from public.user_api_tokens where user_id = $1 order by created_at, id`,
    [userId],
  );
}

/** False when the token is not that user's or already revoked. */
export async function revokeApiToken(
  db: Queryable,
  input: { tokenId: string; userId: string },
): Promise<boolean> {
  const rows = await queryCamel<{ id: string }>(
    db,
    `update public.user_api_tokens set revoked_at = now()
      where id = $1 and user_id = $2 and revoked_at is null returning id`,
    [input.tokenId, input.userId],
  );
  return rows.length > 0;
}
