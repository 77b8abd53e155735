import { DatabaseError } from './database-error.js';

/** A status move out of a finished state or backwards, or running an unclaimed task (SQLSTATE GQ005). */
export class InvalidTransitionError extends DatabaseError {
  override readonly name = 'InvalidTransitionError';
}
