/** What a callback delivery can end in, besides success. */

/** The service refused the callback for good (4xx): retrying cannot help. */
export class CallbackRejectedError extends Error {
  override readonly name = 'CallbackRejectedError';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`job-callback refused the request with ${status}: ${JSON.stringify(body)}`);
  }

  /** 409: the task is held by another worker or attempt, or the move is backward; drop the job. */
  get isConflict(): boolean {
    return this.status === 409;
  }
}

/** The service stayed unreachable or failing (network errors, 5xx) for longer than allowed. */
export class CallbackDeliveryError extends Error {
  override readonly name = 'CallbackDeliveryError';
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
    options: { cause?: unknown },
  ) {
    super(
      `job-callback unreachable after ${attempts} attempts over ${Math.round(elapsedMs / 1000)} s`,
      options,
    );
  }
}
