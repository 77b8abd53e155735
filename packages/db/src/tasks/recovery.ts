/**
 * Liveness of HTTP-claimed work: task and worker heartbeats, and the reaper that returns silent
 * claims to the queue (or fails and refunds them past the attempt limit). BullMQ-claimed tasks are
 * left to BullMQ's own lock renewal.
 */
import type { TaskStatus } from '@gpuq/job-types';
import type { Queryable } from '../database/database.js';
import { queryCamel, queryRows } from '../database/run-query.js';

/** Stamps heartbeat_at on a running task (of that worker, when given); false if none matched. */
export async function heartbeatTask(
  db: Queryable,
  input: { taskId: string; workerId?: string | null },
): Promise<boolean> {
  const [row] = await queryRows<{ beat: boolean }>(db, 'select public.task_heartbeat($1, $2) as beat', [
    input.taskId,
    input.workerId ?? null,
  ]);
  return row?.beat === true;
}

export interface WorkerHeartbeatInput {
  workerId: string;
  vramTotalMb?: number | null;
  vramUsedMb?: number | null;
  logs?: unknown[];
  currentTaskId?: string | null;
  status?: string;
  /** Keep only this user's claims alive (a user's token); null/absent: the service role. */
  userId?: string | null;
}

/**
 * The Headless worker's `func_worker_heartbeat_with_logs` rpc: keeps every HTTP claim the worker
 * holds alive (its heartbeat names no task); returns its JSON answer.
 */
export async function workerHeartbeat(
  db: Queryable,
  input: WorkerHeartbeatInput,
): Promise<Record<string, unknown>> {
  const [row] = await queryRows<{ answer: Record<string, unknown> }>(
    db,
    'select public.worker_heartbeat($1, $2, $3, $4::jsonb, $5, $6, $7) as answer',
    [
      input.workerId,
      input.vramTotalMb ?? null,
      input.vramUsedMb ?? null,
      JSON.stringify(input.logs ?? []),
      input.currentTaskId ?? null,
      input.status ?? 'active',
      input.userId ?? null,
    ],
  );
  return row?.answer ?? {};
}

export interface RequeueStaleTasksOptions {
  /** TASK_HEARTBEAT_TIMEOUT_S. Default 1800. */
  timeoutSeconds?: number;
  /** JOB_MAX_ATTEMPTS: the attempt that reaches it fails the task. Default 3. */
  maxAttempts?: number;
}

export interface RequeuedTask {
  taskId: string;
  /** Queued again, or Failed (and refunded) at the attempt limit. */
  status: TaskStatus;
  attempts: number;
}

export async function requeueStaleTasks(
  db: Queryable,
  options: RequeueStaleTasksOptions = {},
): Promise<RequeuedTask[]> {
  const rows = await queryCamel<{ staleTaskId: string; newStatus: TaskStatus; newAttempts: number }>(
    db,
    'select * from public.requeue_stale_tasks($1, $2)',
    [options.timeoutSeconds ?? 1800, options.maxAttempts ?? 3],
  );
  return rows.map((row) => ({ taskId: row.staleTaskId, status: row.newStatus, attempts: row.newAttempts }));
}
