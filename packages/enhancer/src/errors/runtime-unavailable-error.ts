import { EnhancerError } from './enhancer-error.js';

/**
 * node-llama-cpp's prebuilt binary could not be loaded. We never build llama.cpp from source or
 * download binaries at run time, so this names the package that should have shipped it.
 */
export class RuntimeUnavailableError extends EnhancerError {
  override name = 'RuntimeUnavailableError';

  constructor(options?: { cause?: unknown }) {
    super(
      'runtime_unavailable',
      'node-llama-cpp has no usable prebuilt binary on this machine (expected @node-llama-cpp/linux-x64 or a GPU variant to be installed)',
      options,
    );
  }
}
