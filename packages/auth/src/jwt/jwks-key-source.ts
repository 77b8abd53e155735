/**
 * The project's public signing keys, fetched from its JWKS endpoint and cached (jose's remote
 * key set). Rotation needs no restart: a token whose `kid` is not cached triggers one refetch,
 * at most once per cooldown, so old and new keys both verify during the overlap and a flood of
 * unknown kids cannot hammer the endpoint. A key set that cannot be fetched is reported as
 * AuthUnavailableError (503), not as a bad token.
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { AuthUnavailableError } from '../errors/auth-unavailable-error.js';

export interface JwksOptions {
  /** Least time between two refetches caused by unknown kids. Default 30 000 ms. */
  cooldownMs?: number;
  /** How long a fetched key set is used before it is fetched again. Default 600 000 ms. */
  cacheMaxAgeMs?: number;
  /** Abort a fetch after this long. Default 5 000 ms. */
  timeoutMs?: number;
}

/** Key-matching failures are the token's fault (401); anything else is the endpoint's (503). */
const TOKEN_FAULTS = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported];

export function createJwksKeySource(url: URL, options: JwksOptions = {}): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(url, {
    cooldownDuration: options.cooldownMs ?? 30_000,
    cacheMaxAge: options.cacheMaxAgeMs ?? 600_000,
    timeoutDuration: options.timeoutMs ?? 5_000,
  });
  return async function jwksKey(header, token) {
    try {
      return await remote(header, token);
    } catch (error) {
      if (TOKEN_FAULTS.some((fault) => error instanceof fault)) throw error;
      throw new AuthUnavailableError('the signing keys (JWKS) could not be fetched', { cause: error });
    }
  };
}
