/**
 * A travel stitch that cannot run: its task is not an In Progress travel_stitch, a segment is
 * not Complete, or a segment's output cannot be found in storage. Not worth retrying: the stitch
 * is failed with this message (which stops the travel and refunds it).
 */
export class TravelStitchError extends Error {
  override readonly name = 'TravelStitchError';

  constructor(
    readonly taskId: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`travel stitch ${taskId}: ${message}`, { cause: options.cause });
  }
}
