/**
 * One native generation as a Promise: progress after every step, cancellation through an
 * AbortSignal, native failures as EngineError. Shared by the SDXL and WAN engines.
 */

import { EngineError } from './engine-error.js';
import type { GenerateOptions } from './generate-options.js';

export interface NativeRun<Result> {
  promise: Promise<Result>;
  cancel(): void;
}

export async function runNativeGeneration<Result>(
  start: (onProgress: ((step: number, total: number) => void) | undefined) => NativeRun<Result>,
  options: GenerateOptions,
): Promise<Result> {
  const { signal, onProgress } = options;
  if (signal?.aborted) throw new EngineError('GPUQ_CANCELLED', 'generation aborted before it started');
  // Progress arrives through its own native queue, which libuv may service after the completion
  // callback; `lastReported` lets the result wait for the final step's event, so a listener always
  // sees every step before the Promise resolves.
  let markReported: () => void = () => {};
  const lastReported = new Promise<void>((resolve) => {
    markReported = resolve;
  });
  const progress = onProgress
    ? (step: number, total: number) => {
        try {
          onProgress({ step, total });
        } catch {
          // A failing listener must not break the generation it observes.
        }
        if (step === total) markReported();
      }
    : undefined;
  const run = start(progress);
  const onAbort = () => run.cancel();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await run.promise;
    if (progress) await lastReported;
    return result;
  } catch (err) {
    throw EngineError.fromNative(err, 'generate');
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
