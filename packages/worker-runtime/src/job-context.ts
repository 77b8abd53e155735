/** What the BullMQ loop hands the function that processes one job. */
import type { Logger } from '@gpuq/logger';
import type { GpuqJob } from '@gpuq/queue';

export interface JobContext {
  /** Aborted when the job is cancelled or the worker shuts down past its grace period. */
  signal: AbortSignal;
  logger: Logger;
  workerId: string;
}

export type ProcessJob = (job: GpuqJob, context: JobContext) => Promise<unknown>;
