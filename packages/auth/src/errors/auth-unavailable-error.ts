/**
 * 503: the token could not be checked because something auth depends on is down (the JWKS
 * endpoint, the token store). Answering 401 here would tell a client its valid token is bad.
 */
import { AuthHttpError } from './auth-http-error.js';

export class AuthUnavailableError extends AuthHttpError {
  override readonly name = 'AuthUnavailableError';
  readonly code = 'unavailable' as const;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(503, message, options);
  }

  override headers(): Record<string, string> {
    return { 'retry-after': '5' };
  }
}
