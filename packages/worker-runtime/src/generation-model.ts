/**
 * What a worker app provides: a model loaded once, run per job. The runtime does everything else
 * (claim, progress, storage, callbacks, cancellation, retries).
 */
import type { QueueJobData } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import type { Storage } from '@gpuq/storage';

export interface GeneratedFile {
  kind: 'image' | 'video' | 'poster';
  /** File name inside the job's folder, e.g. `image-0.png`. */
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface ModelResult {
  files: GeneratedFile[];
  /** The 7B enhancer's prompt, for the enhanced job types. */
  enhancedPrompt?: string;
  /** Facts about the run worth keeping with the result (reported as the callback's metadata). */
  metadata?: Record<string, unknown>;
}

export interface ModelRunContext {
  /** Aborted on cancellation or shutdown: stop between steps. */
  signal: AbortSignal;
  /** 0..1 of the whole job. */
  onProgress(fraction: number): void;
  logger: Logger;
  /** The system's storage, for jobs that read stored inputs (travel segments and stitches). */
  storage: Storage;
}

export interface GenerationModel {
  /** For logs: which checkpoint and device. */
  readonly description: string;
  run(job: QueueJobData, context: ModelRunContext): Promise<ModelResult>;
}

/**
 * The device is no longer usable (illegal address, ECC error): the job goes back to the queue and
 * the process exits non-zero so its supervisor restarts it on a clean context.
 */
export class DeviceLostError extends Error {
  override readonly name = 'DeviceLostError';
}
