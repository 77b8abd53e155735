import { DatabaseError } from './database-error.js';

/** The calling role may not do this (SQLSTATE 42501). */
export class PermissionDeniedError extends DatabaseError {
  override readonly name = 'PermissionDeniedError';
}
