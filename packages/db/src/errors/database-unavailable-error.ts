import { DatabaseError } from './database-error.js';

/**
 * The database could not be reached or did not answer in time (a refused or dropped connection,
 * a server shutting down, a pool checkout or statement timeout). Nothing the caller asked for was
 * committed by this attempt, so the caller may retry: the api answers 503 with Retry-After.
 */
export class DatabaseUnavailableError extends DatabaseError {
  override readonly name: string = 'DatabaseUnavailableError';
}

/** The request's deadline passed before its database work could finish; nothing was committed. */
export class DeadlineExceededError extends DatabaseUnavailableError {
  override readonly name: string = 'DeadlineExceededError';
}
