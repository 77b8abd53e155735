/**
 * The one place a bearer token becomes a principal, in this order:
 * 1. the service-role key (constant-time compare) → service;
 * 2. anything shaped like a JWT → verified (HS256 secret or the project's JWKS) → service or user;
 * 3. anything else → a personal access token, looked up by SHA-256 hash → its owner.
 * A JWT that fails verification never falls through to the token lookup.
 */
import { AuthError } from './errors/auth-error.js';
import { AuthUnavailableError } from './errors/auth-unavailable-error.js';
import type { JwksOptions } from './jwt/jwks-key-source.js';
import { createJwtVerifier } from './jwt/jwt-verifier.js';
import { createVerifiedTokenCache } from './jwt/verified-token-cache.js';
import { hashToken, PAT_PREFIX, type PersonalAccessTokenLookup } from './pat/personal-access-token.js';
import type { Principal } from './principal.js';
import { secretsEqual } from './secret-compare.js';

export interface AuthenticatorOptions {
  /** SUPABASE_SERVICE_ROLE_KEY. Unset: only service-role JWTs make a service principal. */
  serviceRoleKey?: string | undefined;
  /** SUPABASE_JWT_SECRET, for HS256 tokens. Unset: HS256 tokens are refused. */
  jwtSecret?: string | undefined;
  /** SUPABASE_URL. Fixes the expected issuer (`<url>/auth/v1`) and the default JWKS URL. */
  supabaseUrl?: string | undefined;
  /** Default `<supabaseUrl>/auth/v1/.well-known/jwks.json`. Unset with no URL: RS256/ES256 refused. */
  jwksUrl?: string | undefined;
  jwks?: JwksOptions | undefined;
  /** SUPABASE_ANON_KEY. Sent as a bearer, it is answered "sign in first" (it grants nothing). */
  anonKey?: string | undefined;
  /** Finds personal access tokens by hash. Unset: every non-JWT token is unknown. */
  lookupPersonalAccessToken?: PersonalAccessTokenLookup | undefined;
  /** Required `aud` of user tokens. Default `authenticated`. */
  audience?: string;
  /** JWT roles that mean the service. Default `service_role`, `supabase_admin`. */
  serviceRoles?: readonly string[];
  /** Accepted asymmetric algorithms. Default RS256, ES256 (what Supabase signs with). */
  asymmetricAlgorithms?: readonly string[];
  /** Clock skew allowed on exp/nbf. Default 5 s. */
  clockToleranceSec?: number;
  /**
   * Verified HS256 JWTs kept until their `exp` (at most a minute), so a client's repeated token
   * is checked once. Default on; `false` verifies every request.
   */
  cacheVerifiedTokens?: boolean;
}

export interface Authenticator {
  /** The caller behind a raw token (undefined: none was sent). Throws AuthError or AuthUnavailableError. */
  authenticate(token: string | undefined): Promise<Principal>;
}

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]*$/;

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const supabaseUrl = options.supabaseUrl?.replace(/\/+$/, '');
  const verifyJwt = createJwtVerifier({
    jwtSecret: options.jwtSecret,
    jwksUrl: options.jwksUrl ?? (supabaseUrl ? `${supabaseUrl}/auth/v1/.well-known/jwks.json` : undefined),
    jwks: options.jwks,
    issuer: supabaseUrl ? `${supabaseUrl}/auth/v1` : undefined,
    audience: options.audience ?? 'authenticated',
    serviceRoles: options.serviceRoles ?? ['service_role', 'supabase_admin'],
    asymmetricAlgorithms: options.asymmetricAlgorithms ?? ['RS256', 'ES256'],
    clockToleranceSec: options.clockToleranceSec ?? 5,
    cache: options.cacheVerifiedTokens === false ? undefined : createVerifiedTokenCache(),
  });

  async function lookupToken(token: string): Promise<Principal> {
    const lookup = options.lookupPersonalAccessToken;
    if (!lookup) throw new AuthError('unknown_token', 'unknown token');
    let record: Awaited<ReturnType<PersonalAccessTokenLookup>>;
    try {
      record = await lookup(hashToken(token));
    } catch (error) {
      throw new AuthUnavailableError('the token store could not be reached', { cause: error });
    }
    if (!record) {
      throw token.startsWith(PAT_PREFIX)
        ? new AuthError('unknown_pat', 'unknown token: no such personal access token')
        : new AuthError('unknown_token', 'unknown token');
    }
    if (record.revokedAt) throw new AuthError('revoked', 'token revoked');
    const expiresAt = record.expiresAt ? new Date(record.expiresAt) : undefined;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new AuthError('expired', 'token expired');
    return {
      kind: 'user',
      userId: record.userId,
      via: 'pat',
      scope: record.scope ?? 'all',
      ...(record.id ? { tokenId: record.id } : {}),
      ...(expiresAt ? { expiresAt } : {}),
    };
  }

  return {
    async authenticate(token) {
      if (!token) throw new AuthError('missing', 'missing bearer token');
      if (options.serviceRoleKey && secretsEqual(token, options.serviceRoleKey)) return { kind: 'service' };
      if (options.anonKey && secretsEqual(token, options.anonKey)) {
        throw new AuthError('anon_key', 'the anon key is not a user: sign in first');
      }
      return JWT_SHAPE.test(token) ? verifyJwt(token) : lookupToken(token);
    },
  };
}
