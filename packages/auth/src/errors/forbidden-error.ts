/** 403: the caller is known but may not do this (a user on a service route, a non-admin). */
import { AuthHttpError } from './auth-http-error.js';

export class ForbiddenError extends AuthHttpError {
  override readonly name = 'ForbiddenError';
  readonly code = 'forbidden' as const;

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(403, message, options);
  }
}
