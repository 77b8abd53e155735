import { DatabaseError } from './database-error.js';

/** No such task, or none the caller may see (SQLSTATE GQ003). */
export class TaskNotFoundError extends DatabaseError {
  override readonly name = 'TaskNotFoundError';
}
