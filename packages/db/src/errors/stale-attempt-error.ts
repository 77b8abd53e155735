import { DatabaseError } from './database-error.js';

/** A BullMQ attempt older than the newest one that reported (SQLSTATE GQ007). */
export class StaleAttemptError extends DatabaseError {
  override readonly name = 'StaleAttemptError';
}
