/**
 * The task status broadcast (migration task_status_broadcast): every insert and every status
 * change of a task is a `pg_notify` on one channel, delivered on commit. The api's event stream
 * and the admin-image wait subscribe here instead of polling.
 */
import type { TaskStatus } from '@gpuq/job-types';
import type { Database, ListenOptions } from '../database/database.js';

export const TASK_STATUS_CHANNEL = 'task_status';

export interface TaskStatusEvent {
  taskId: string;
  status: TaskStatus;
  /** Null for a new task. */
  previousStatus: TaskStatus | null;
  /** 0..1 while running; null before the first progress report. */
  progress: number | null;
  taskType: string;
  projectId: string;
  userId: string;
  updatedAt: string;
}

interface Payload {
  task_id: string;
  status: TaskStatus;
  previous_status: TaskStatus | null;
  progress?: number | null;
  task_type: string;
  project_id: string;
  user_id: string;
  updated_at: string;
}

/**
 * Calls `onEvent` for every task status change; resolves to the function that stops it.
 * `options.onRestored` runs after a lost LISTEN connection is back: re-read what may be missed.
 */
export async function listenTaskStatus(
  db: Database,
  onEvent: (event: TaskStatusEvent) => void,
  options: ListenOptions = {},
): Promise<() => Promise<void>> {
  return db.listen(
    TASK_STATUS_CHANNEL,
    (raw) => {
      const payload = JSON.parse(raw) as Payload;
      onEvent({
        taskId: payload.task_id,
        status: payload.status,
        previousStatus: payload.previous_status,
        progress: payload.progress ?? null,
        taskType: payload.task_type,
        projectId: payload.project_id,
        userId: payload.user_id,
        updatedAt: payload.updated_at,
      });
    },
    options,
  );
}
