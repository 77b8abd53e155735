/**
 * A row of `public.tasks` as the data-access functions return it (camelCase). The table's columns
 * are documented in its migration (supabase/migrations/*_tasks.sql).
 */
import type { RunType, TaskStatus } from '@gpuq/job-types';

export type ClaimedBy = 'bullmq' | 'http';

export interface Task {
  id: string;
  taskType: string;
  params: Record<string, unknown>;
  status: TaskStatus;
  dependantOn: string[];
  runType: RunType;
  projectId: string;
  userId: string;
  workerId: string | null;
  claimedBy: ClaimedBy | null;
  /** The worker whose silent HTTP claim was returned to Queued (its late completion is kept). */
  requeuedFromWorkerId: string | null;
  /** Attempts lost to a missing heartbeat (HTTP claims). */
  attempts: number;
  /** The fence: newest BullMQ attempt that reported. */
  bullmqAttempt: number;
  /** Credits reserved at creation. */
  cost: number;
  progress: number | null;
  outputLocation: string | null;
  thumbnailUrl: string | null;
  result: unknown;
  errorMessage: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  generationCreated: boolean;
  createdAt: Date;
  updatedAt: Date;
  claimedAt: Date | null;
  heartbeatAt: Date | null;
  generationStartedAt: Date | null;
  generationProcessedAt: Date | null;
}

/** The select list that yields a Task from a function returning `public.tasks` rows. */
export const TASK_COLUMNS = '(t).*';
