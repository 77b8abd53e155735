import { DatabaseError } from './database-error.js';

/** The user already has the most jobs allowed Queued or In Progress (SQLSTATE GQ010). */
export class InFlightLimitError extends DatabaseError {
  override readonly name = 'InFlightLimitError';
}
