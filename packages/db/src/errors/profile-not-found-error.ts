import { DatabaseError } from './database-error.js';

/** The user has no profile yet (SQLSTATE GQ008). */
export class ProfileNotFoundError extends DatabaseError {
  override readonly name = 'ProfileNotFoundError';
}
