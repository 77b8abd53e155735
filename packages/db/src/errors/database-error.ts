/** Base of every error this package throws: carries the SQLSTATE and the driver's error as cause. */
export class DatabaseError extends Error {
  override readonly name: string = 'DatabaseError';
  /** SQLSTATE of the failing statement, when the database raised it. */
  readonly code: string | undefined;

  constructor(message: string, options: { cause?: unknown; code?: string | undefined } = {}) {
    super(message, { cause: options.cause });
    this.code = options.code;
  }
}
