/**
 * One node-llama-cpp runtime per process and GPU setting. Loading the native binary takes a few
 * hundred milliseconds and holds native memory, so every enhancer shares it.
 *
 * `build: 'never'` and `skipDownload` pin us to the prebuilt binaries that npm installed: a worker
 * must never try to download or compile llama.cpp at run time (GPU hosts often have no internet
 * and no compiler).
 *
 * llama.cpp's error lines are kept instead of printed: its thrown errors are generic ("Failed to
 * load model") while its log says what is wrong, so callers attach the lines to their own errors.
 */
import { getLlama, type Llama, LlamaLogLevel } from 'node-llama-cpp';
import { RuntimeUnavailableError } from './errors/runtime-unavailable-error.js';

/** `auto`: CUDA when its prebuilt binary and a device work, else CPU. `false`: CPU only. */
export type EnhancerGpu = 'auto' | 'cuda' | false;

const runtimes = new Map<EnhancerGpu, Promise<Llama>>();
const KEPT_ERRORS = 16;
const errorLines: string[] = [];
let errorCount = 0;

function keepErrors(level: LlamaLogLevel, message: string): void {
  if (level !== LlamaLogLevel.error && level !== LlamaLogLevel.fatal) return;
  errorLines.push(message.trim());
  if (errorLines.length > KEPT_ERRORS) errorLines.shift();
  errorCount++;
}

/** A position in llama.cpp's error log, to read what it reported after this point. */
export function llamaErrorMark(): number {
  return errorCount;
}

export function llamaErrorsSince(mark: number): string[] {
  const fresh = Math.min(errorCount - mark, errorLines.length);
  return fresh > 0 ? errorLines.slice(-fresh) : [];
}

export function getLlamaRuntime(gpu: EnhancerGpu): Promise<Llama> {
  let runtime = runtimes.get(gpu);
  if (!runtime) {
    runtime = getLlama({
      gpu,
      build: 'never',
      usePrebuiltBinaries: true,
      skipDownload: true,
      progressLogs: false,
      logLevel: LlamaLogLevel.error,
      logger: keepErrors,
    }).catch((cause: unknown) => {
      runtimes.delete(gpu); // let a later call retry, e.g. after the driver comes up
      throw new RuntimeUnavailableError({ cause });
    });
    runtimes.set(gpu, runtime);
  }
  return runtime;
}
