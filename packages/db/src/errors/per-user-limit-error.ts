/** A user already owns the most of something allowed (projects, live tokens); nothing was created. */
export class PerUserLimitError extends Error {
  override readonly name = 'PerUserLimitError';

  constructor(
    /** What is capped, plural: `projects`, `tokens`. */
    readonly resource: string,
    readonly limit: number,
  ) {
    super(`at most ${limit} ${resource} per user`);
  }
}
