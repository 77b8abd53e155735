import { DatabaseError } from './database-error.js';

/** No such project for this user (SQLSTATE GQ004). */
export class ProjectNotFoundError extends DatabaseError {
  override readonly name = 'ProjectNotFoundError';
}
