/** Task status as the tasks table stores it, and job status as the public API spells it. */
import { z } from 'zod';

export const TaskStatus = z.enum(['Queued', 'In Progress', 'Complete', 'Failed', 'Cancelled']);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const JobStatus = z.enum(['queued', 'processing', 'completed', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatus>;

const TASK_TO_JOB = {
  Queued: 'queued',
  'In Progress': 'processing',
  Complete: 'completed',
  Failed: 'failed',
  Cancelled: 'cancelled',
} as const satisfies Record<TaskStatus, JobStatus>;

const JOB_TO_TASK = Object.fromEntries(
  Object.entries(TASK_TO_JOB).map(([task, job]) => [job, task]),
) as Record<JobStatus, TaskStatus>;

export function jobStatusOf(status: TaskStatus): JobStatus {
  return TASK_TO_JOB[status];
}

export function taskStatusOf(status: JobStatus): TaskStatus {
  return JOB_TO_TASK[status];
}

/** Terminal states: nothing moves out of them. */
export function isTerminal(status: JobStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** The same for a task row's status: a finished task takes no more work, reports or uploads. */
export function isTaskFinished(status: TaskStatus): boolean {
  return isTerminal(jobStatusOf(status));
}
