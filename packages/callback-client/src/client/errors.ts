/** What a callback delivery can end in, besides success. */

/** The service refused the callback for good (4xx): retrying cannot help. */
export class CallbackRejectedError extends Error {
  override readonly name = 'CallbackRejectedError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** Which side refused: the job-callback service, or storage behind a signed URL. */
    readonly target = 'job-callback',
  ) {
    super(`${target} refused the request with ${status}: ${JSON.stringify(body)}`);
  }

  /** The `message` of the service's error body, when it sent one. */
  get reason(): string | undefined {
    const message = (this.body as { error?: { message?: unknown } } | null)?.error?.message;
    return typeof message === 'string' ? message : undefined;
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
    readonly target = 'job-callback',
  ) {
    super(`${target} unreachable after ${attempts} attempts over ${Math.round(elapsedMs / 1000)} s`, options);
  }
}
