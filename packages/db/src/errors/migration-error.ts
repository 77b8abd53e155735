import { DatabaseError } from './database-error.js';

/** A migration file failed to apply (it was rolled back), or an applied one was edited since. */
export class MigrationError extends DatabaseError {
  override readonly name = 'MigrationError';
  /** The migration's version (its timestamp). */
  readonly version: string;

  constructor(
    message: string,
    version: string,
    options: { cause?: unknown; code?: string | undefined } = {},
  ) {
    super(message, options);
    this.version = version;
  }
}
