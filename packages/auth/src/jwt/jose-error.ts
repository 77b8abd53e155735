/** Translates jose's verification failures into 401s with a message a client can act on. */
import { errors } from 'jose';
import { AuthError } from '../errors/auth-error.js';
import { AuthHttpError } from '../errors/auth-http-error.js';

export function toAuthError(error: unknown): AuthHttpError {
  if (error instanceof AuthHttpError) return error;
  const options = { cause: error };
  if (error instanceof errors.JWTExpired) return new AuthError('expired', 'token expired', options);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf') return new AuthError('not_yet_valid', 'token not valid yet', options);
    if (error.claim === 'aud') return new AuthError('claims', 'token audience is not accepted', options);
    if (error.claim === 'iss') return new AuthError('claims', 'token issuer is not this project', options);
    return new AuthError('claims', `token claim "${error.claim}" is invalid`, options);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError('signature', 'invalid token signature', options);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new AuthError('unknown_key', 'token signing key not found', options);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new AuthError('algorithm', 'unsupported token algorithm', options);
  }
  return new AuthError('malformed', 'invalid token', options);
}
