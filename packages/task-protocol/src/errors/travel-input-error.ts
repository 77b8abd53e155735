/**
 * A travel task whose inputs cannot be resolved: a stitch that is not a claimed travel_stitch, a
 * segment it reads that is not Complete, or a segment output that is not in this system's
 * storage. Not worth retrying: the task is failed with this message (which stops the travel and
 * refunds what did not run).
 */
export class TravelInputError extends Error {
  override readonly name = 'TravelInputError';

  constructor(
    readonly taskId: string,
    readonly taskType: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${taskType} ${taskId}: ${message}`, { cause: options.cause });
  }
}
