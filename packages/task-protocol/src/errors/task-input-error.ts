/**
 * A protocol task that can never run on our fleet as stored: params that do not map to bounded
 * work (rows written before params were checked at create-task), or travel inputs that cannot be
 * resolved. Not worth retrying: queue-api fails the task with this message, which refunds it
 * (and stops its travel).
 */
export class TaskInputError extends Error {
  override readonly name: string = 'TaskInputError';

  constructor(
    readonly taskId: string,
    readonly taskType: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${taskType} ${taskId}: ${message}`, { cause: options.cause });
  }
}
