import { DatabaseError } from './database-error.js';

/** The balance does not cover the task's cost; nothing was written (SQLSTATE GQ001). */
export class InsufficientCreditsError extends DatabaseError {
  override readonly name = 'InsufficientCreditsError';
}
