import { DatabaseError } from './database-error.js';

/** The idempotency key was already used for a different request (SQLSTATE GQ002). */
export class IdempotencyConflictError extends DatabaseError {
  override readonly name = 'IdempotencyConflictError';
}
