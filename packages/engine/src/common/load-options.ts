/** How either engine loads a model folder: device, threads, weight storage and the memory budget. */
import type { WeightDtype } from '../memory/weight-dtype.js';
import type { GenerationSize } from '../memory/working-set.js';

export interface LoadOptions {
  /** "auto" (default), "cpu" or "cuda" (needs a CUDA build). */
  readonly device?: 'auto' | 'cpu' | 'cuda';
  /** CPU threads; default: os.availableParallelism(). */
  readonly threads?: number;
  /**
   * How matrices are kept in memory (compute is fp32 either way). "auto" (default): the published
   * dtype (bf16 for fp32-published WAN transformer and UMT5 on a GPU); "fp16" / "bf16" halve the
   * weights' memory (real SDXL: 13.8 GB -> 6.9 GB) and keep a half-precision file mapped without
   * a copy, at some speed cost for widening per layer. A VAE whose config says force_upcast stays
   * fp32 whatever is chosen.
   */
  readonly weightDtype?: WeightDtype;
  /** The memory budget the plan must fit (GPUQ_MAX_MEMORY); default: see planMemory. */
  readonly maxMemoryBytes?: number;
  /** The largest generation the plan reserves a working set for; default: the model's native size. */
  readonly plannedSize?: GenerationSize;
  /**
   * Single-file checkpoints only: the diffusers folder whose configs, scheduler and tokenizers
   * apply (its weights are not read). Default: SDXL base 1.0's, shipped with this package.
   */
  readonly configDir?: string;
}
