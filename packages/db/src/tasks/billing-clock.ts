/**
 * The billing clock of a running task: the Headless worker restarts it once its model is loaded
 * (`update-task-status` with `reset_generation_started_at`), so loading time is not charged.
 */
import type { Queryable } from '../database/database.js';
import { queryCamel } from '../database/run-query.js';
import type { Task } from './task.js';

/** Null when the task is not In Progress (or, with `userId`, not that user's). */
export async function resetGenerationStartedAt(
  db: Queryable,
  input: { taskId: string; userId?: string | null },
): Promise<Task | null> {
  const [task] = await queryCamel<Task>(
    db,
    `update public.tasks set generation_started_at = now(), heartbeat_at = now()
      where id = $1 and status = 'In Progress' and ($2::uuid is null or user_id = $2::uuid)
      returning *`,
    [input.taskId, input.userId ?? null],
  );
  return task ?? null;
}
