/**
 * Verifies a JWT and says who it names. The header's `alg` picks the key: HS256 is checked only
 * against the project secret and RS256/ES256 only against the JWKS, so an HS256 token "signed"
 * with a public key fails, and `alg: none` is refused outright. Signature, `exp` (required) and
 * `nbf` are always checked. User tokens must also carry `aud` = `authenticated`, the project's
 * `iss` when one is configured, and a `sub`. Service-role tokens skip aud/iss: Supabase issues its
 * service key with `iss: "supabase"` and no audience.
 */

import { isUuid } from '@gpuq/job-types';
import {
  type CryptoKey,
  decodeJwt,
  decodeProtectedHeader,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { AuthError } from '../errors/auth-error.js';
import type { Principal } from '../principal.js';
import { toAuthError } from './jose-error.js';
import { createJwksKeySource, type JwksOptions } from './jwks-key-source.js';
import type { VerifiedTokenCache } from './verified-token-cache.js';

export interface JwtVerifierOptions {
  jwtSecret?: string | undefined;
  jwksUrl?: string | undefined;
  jwks?: JwksOptions | undefined;
  /** Checked on user tokens only; undefined means not checked. */
  issuer?: string | undefined;
  audience: string;
  serviceRoles: readonly string[];
  asymmetricAlgorithms: readonly string[];
  clockToleranceSec: number;
  /**
   * HS256 tokens that verified, kept until their `exp` (verified-token-cache.ts). Default: none
   * kept. JWKS-signed tokens are always checked: a key the issuer withdraws must stop working
   * as soon as the refetched JWKS lacks it.
   */
  cache?: VerifiedTokenCache | undefined;
}

export type JwtVerifier = (token: string) => Promise<Principal>;

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const secret = options.jwtSecret ? importHs256Secret(options.jwtSecret) : undefined;
  const jwks = options.jwksUrl ? createJwksKeySource(new URL(options.jwksUrl), options.jwks) : undefined;

  return async function verifyJwt(token) {
    const cached = options.cache?.get(token);
    if (cached) return cached;
    const alg = readAlgorithm(token);
    const service = options.serviceRoles.includes(String(peekRole(token)));
    const checks = {
      clockTolerance: options.clockToleranceSec,
      requiredClaims: ['exp'],
      ...(service ? {} : { audience: options.audience, issuer: options.issuer }),
    };
    let payload: JWTPayload;
    try {
      if (alg === 'HS256') {
        if (!secret) throw new AuthError('algorithm', 'HS256 tokens are not accepted by this server');
        ({ payload } = await jwtVerify(token, await secret, { ...checks, algorithms: ['HS256'] }));
      } else if (options.asymmetricAlgorithms.includes(alg)) {
        if (!jwks) throw new AuthError('algorithm', `${alg} tokens need a JWKS, and none is configured`);
        ({ payload } = await verifyWithJwks(token, jwks, { ...checks, algorithms: [alg] }));
      } else {
        throw new AuthError('algorithm', `unsupported token algorithm "${alg}"`);
      }
    } catch (error) {
      throw toAuthError(error);
    }
    const principal = toPrincipal(payload, options.serviceRoles);
    // `exp` is a required claim, so every verified token has one.
    if (alg === 'HS256') options.cache?.set(token, principal, Number(payload.exp) * 1000);
    return principal;
  };
}

/**
 * The HS256 secret as a WebCrypto key, imported once: given raw bytes, jose imports them again
 * on every verify, which was most of its share of queue-api's CPU.
 */
function importHs256Secret(jwtSecret: string): Promise<CryptoKey> {
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(jwtSecret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  // Awaited by every HS256 verify; a failure (none is expected for HMAC) surfaces there.
  key.catch(() => {});
  return key;
}

// Separate so the call picks jose's key-function overload.
function verifyWithJwks(token: string, jwks: JWTVerifyGetKey, checks: Parameters<typeof jwtVerify>[2]) {
  return jwtVerify(token, jwks, checks);
}

function readAlgorithm(token: string): string {
  try {
    return String(decodeProtectedHeader(token).alg ?? 'none');
  } catch (error) {
    throw new AuthError('malformed', 'token is not a valid JWT', { cause: error });
  }
}

/** The unverified role, used only to choose which claim checks apply; verification follows. */
function peekRole(token: string): unknown {
  try {
    return decodeJwt(token).role;
  } catch (error) {
    throw new AuthError('malformed', 'token is not a valid JWT', { cause: error });
  }
}

function toPrincipal(payload: JWTPayload, serviceRoles: readonly string[]): Principal {
  const role = typeof payload.role === 'string' ? payload.role : undefined;
  if (role && serviceRoles.includes(role)) return { kind: 'service' };
  if (role === 'anon') throw new AuthError('claims', 'the anon key is not a user: sign in first');
  if (typeof payload.sub !== 'string' || payload.sub === '') {
    throw new AuthError('claims', 'token names no user (no "sub" claim)');
  }
  // Users are rows keyed by uuid (Supabase Auth issues uuid subjects): anything else names nobody.
  if (!isUuid(payload.sub)) {
    throw new AuthError('claims', 'token names no user ("sub" claim is not a user id, a UUID)');
  }
  return {
    kind: 'user',
    userId: payload.sub,
    via: 'jwt',
    ...(role ? { role } : {}),
    // `exp` is required by the verifier; long-lived streams close when it passes.
    ...(typeof payload.exp === 'number' ? { expiresAt: new Date(payload.exp * 1000) } : {}),
  };
}
