/**
 * One node-llama-cpp runtime per process and GPU setting. Loading the native binary takes a few
 * hundred milliseconds and holds native memory, so every enhancer shares it.
 *
 * `build: 'never'` and `skipDownload` pin us to the prebuilt binaries that npm installed: a worker
 * must never try to download or compile llama.cpp at run time (GPU hosts often have no internet
 * and no compiler).
 */
import { getLlama, type Llama, LlamaLogLevel } from 'node-llama-cpp';
import { RuntimeUnavailableError } from './errors/runtime-unavailable-error.js';

/** `auto`: CUDA when its prebuilt binary and a device work, else CPU. `false`: CPU only. */
export type EnhancerGpu = 'auto' | 'cuda' | false;

const runtimes = new Map<EnhancerGpu, Promise<Llama>>();

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
    }).catch((cause: unknown) => {
      runtimes.delete(gpu); // let a later call retry, e.g. after the driver comes up
      throw new RuntimeUnavailableError({ cause });
    });
    runtimes.set(gpu, runtime);
  }
  return runtime;
}
