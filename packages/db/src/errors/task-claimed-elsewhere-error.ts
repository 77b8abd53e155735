import { DatabaseError } from './database-error.js';

/** A BullMQ claim found the task held by an HTTP pull-worker (SQLSTATE GQ006). */
export class TaskClaimedElsewhereError extends DatabaseError {
  override readonly name = 'TaskClaimedElsewhereError';
}
