/**
 * How an engine failure ends a job, for both fleets, as @gpuq/engine-errors lists it per code:
 * - bad input, a missing or unsupported model, or out of memory: the job fails for good
 *   (`UnrecoverableError`; the same job on the same card would fail again; the worker stays up);
 * - a poisoned device context (`GPUQ_DEVICE_LOST`): the job goes back and the process restarts;
 * - anything else may be transient: BullMQ retries it.
 */
import { engineFailureOutcome } from '@gpuq/engine-errors';
import { UnrecoverableError } from 'bullmq';
import { DeviceLostError } from './generation-model.js';

export function jobErrorFromEngine(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const outcome = engineFailureOutcome(code);
  if (outcome === 'restart') return new DeviceLostError(message, { cause: error });
  if (outcome === 'fail') return new UnrecoverableError(message);
  return error;
}
