/**
 * How an engine failure ends a job, for both fleets (the engine's `code`s are shared by C++ and TS):
 * - bad input, a missing or unsupported model, or out of memory: the job fails for good
 *   (`UnrecoverableError`; the same job on the same card would fail again; the worker stays up);
 * - a poisoned device context (`GPUQ_DEVICE_LOST`): the job goes back and the process restarts;
 * - anything else may be transient: BullMQ retries it.
 */
import { UnrecoverableError } from 'bullmq';
import { DeviceLostError } from './generation-model.js';

const FINAL_CODES = new Set([
  'GPUQ_INVALID_ARGUMENT',
  'GPUQ_NOT_FOUND',
  'GPUQ_BAD_FORMAT',
  'GPUQ_UNSUPPORTED',
  'GPUQ_OUT_OF_MEMORY',
]);

export function jobErrorFromEngine(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'GPUQ_DEVICE_LOST') return new DeviceLostError(message, { cause: error });
  if (typeof code === 'string' && FINAL_CODES.has(code)) return new UnrecoverableError(message);
  return error;
}
