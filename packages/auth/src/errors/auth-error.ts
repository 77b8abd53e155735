/**
 * 401: no credentials, or credentials that prove nothing (bad, expired, revoked, unknown). One
 * exception, as the seed's edge functions answer it: a well-formed personal access token that no
 * one holds (`unknown_pat`) is 403, while a malformed token stays 401.
 */
import { AuthHttpError } from './auth-http-error.js';

/** Why authentication failed, for logs and metrics; clients see only the message. */
export type AuthFailureReason =
  | 'missing'
  | 'malformed'
  | 'anon_key'
  | 'algorithm'
  | 'signature'
  | 'expired'
  | 'not_yet_valid'
  | 'claims'
  | 'unknown_key'
  | 'unknown_token'
  | 'unknown_pat'
  | 'revoked';

export class AuthError extends AuthHttpError {
  override readonly name = 'AuthError';
  readonly code: 'unauthorized' | 'forbidden';
  readonly reason: AuthFailureReason;

  constructor(reason: AuthFailureReason, message: string, options: { cause?: unknown } = {}) {
    super(reason === 'unknown_pat' ? 403 : 401, message, options);
    this.reason = reason;
    this.code = reason === 'unknown_pat' ? 'forbidden' : 'unauthorized';
  }

  // RFC 6750: a request without a token gets the bare challenge, a bad token gets invalid_token.
  override headers(): Record<string, string> {
    const challenge =
      this.reason === 'missing' ? 'Bearer realm="gpuq"' : 'Bearer realm="gpuq", error="invalid_token"';
    return { 'www-authenticate': challenge };
  }
}
