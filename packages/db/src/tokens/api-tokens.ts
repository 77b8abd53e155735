/**
 * Personal access tokens. Only the SHA-256 hex digest is stored; the raw token exists once, in
 * the answer to its creation. Lookups hash the presented token and compare digests in SQL.
 * A token has a scope (`all`, `tasks`, `jobs`), may expire, and may name the token it was minted
 * under: revoking a token revokes every token below it.
 */
import { generatePersonalAccessToken, hashToken } from '@gpuq/auth';
import type { TokenScopeName } from '@gpuq/job-types';
import type { Database, Queryable } from '../database/database.js';
import { queryCamel, queryOne } from '../database/run-query.js';
import { PerUserLimitError } from '../errors/per-user-limit-error.js';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  /** The first characters of the raw token, for telling tokens apart. */
  tokenPrefix: string;
  scope: TokenScopeName;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** Null: never expires. */
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** The token this one was minted under, if any. */
  parentId: string | null;
}

const COLUMNS =
  'id, user_id, name, token_prefix, scope, created_at, last_used_at, expires_at, revoked_at, parent_id';

/** A token counts against the per-user cap until it is revoked or expires. */
const LIVE = 'revoked_at is null and (expires_at is null or expires_at > now())';

export interface NewApiToken {
  userId: string;
  name?: string;
  /** Default `all`. */
  scope?: TokenScopeName;
  /** Null or absent: never expires. */
  expiresAt?: Date | null;
  /** The token it is minted under: revoking that one revokes this one. */
  parentId?: string | null;
  /** Most live tokens the user may hold; creating one more throws PerUserLimitError. */
  maxLiveTokens?: number;
}

/**
 * Creates a token; `token` is the raw value, to show the user once and never store. With a cap,
 * the user's profile row is locked while counting, so concurrent creations cannot overshoot it
 * (the profile must exist).
 * @throws PerUserLimitError
 */
export async function createApiToken(
  db: Database,
  input: NewApiToken,
): Promise<{ token: string; record: ApiToken }> {
  // The token format and its hash are @gpuq/auth's, which checks what callers present.
  const { token, tokenHash, displayPrefix } = generatePersonalAccessToken();
  const insert = (tx: Queryable) =>
    queryOne<ApiToken>(
      tx,
      `insert into public.user_api_tokens (user_id, name, token_hash, token_prefix, scope, expires_at, parent_id)
       values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
      [
        input.userId,
        input.name ?? '',
        tokenHash,
        displayPrefix,
        input.scope ?? 'all',
        input.expiresAt ?? null,
        input.parentId ?? null,
      ],
    );
  const { maxLiveTokens } = input;
  if (maxLiveTokens === undefined) return { token, record: await insert(db) };
  const record = await db.transaction(async (tx) => {
    await tx.query('select 1 from public.profiles where id = $1 for update', [input.userId]);
    const { rows } = await tx.query<{ live: number }>(
      `select count(*)::int as live from public.user_api_tokens where user_id = $1 and ${LIVE}`,
      [input.userId],
    );
    if ((rows[0]?.live ?? 0) >= maxLiveTokens) throw new PerUserLimitError('live tokens', maxLiveTokens);
    return insert(tx);
  });
  return { token, record };
}

/** The live token a raw value belongs to (and stamps its use); null if unknown, revoked or expired. */
export async function findApiToken(db: Queryable, rawToken: string): Promise<ApiToken | null> {
  const [record] = await queryCamel<ApiToken>(
    db,
    `update public.user_api_tokens set last_used_at = now()
      where token_hash = $1 and ${LIVE} returning ${COLUMNS}`,
    [hashToken(rawToken)],
  );
  return record ?? null;
}

/**
 * The token stored under a SHA-256 digest, revoked, expired or not (the caller tells them apart),
 * and stamps its use when it is live. For authenticators that hash the presented token themselves.
 */
export async function findApiTokenByHash(db: Queryable, tokenHash: string): Promise<ApiToken | null> {
  const [record] = await queryCamel<ApiToken>(
    db,
    `update public.user_api_tokens
        set last_used_at = case when ${LIVE} then now() else last_used_at end
      where token_hash = $1 returning ${COLUMNS}`,
    [tokenHash],
  );
  return record ?? null;
}

/** A user's tokens, oldest first, revoked and expired ones included (never a hash or a secret). */
export async function listApiTokens(db: Queryable, userId: string): Promise<ApiToken[]> {
  return queryCamel<ApiToken>(
    db,
    `select ${COLUMNS} from public.user_api_tokens where user_id = $1 order by created_at, id`,
    [userId],
  );
}

/**
 * Revokes a token and every live token minted under it, at any depth, in one statement. False
 * when the token is not that user's or already revoked.
 */
export async function revokeApiToken(
  db: Queryable,
  input: { tokenId: string; userId: string },
): Promise<boolean> {
  const rows = await queryCamel<{ id: string }>(
    db,
    `with recursive tree as (
       select id from public.user_api_tokens where id = $1 and user_id = $2 and revoked_at is null
       union
       select child.id from public.user_api_tokens child join tree on child.parent_id = tree.id
     )
     update public.user_api_tokens set revoked_at = now()
      where id in (select id from tree) and revoked_at is null returning id`,
    [input.tokenId, input.userId],
  );
  return rows.some((row) => row.id === input.tokenId);
}
