import { DatabaseError } from './database-error.js';

/** A `completed` callback that names no output (SQLSTATE GQ009): nothing was changed. */
export class MissingOutputsError extends DatabaseError {
  override readonly name = 'MissingOutputsError';
}
