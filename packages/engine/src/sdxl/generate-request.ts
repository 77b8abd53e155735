import { invalidArgument } from '../common/argument-checks.js';
import { SCHEDULER_NAMES, type SchedulerName } from '../common/scheduler.js';
import type { TensorF32 } from '../common/tensor.js';

/** Token ids for both text encoders, each padded to the encoders' length (77). */
export interface TokenIds {
  readonly textEncoder1: Int32Array | readonly number[];
  readonly textEncoder2: Int32Array | readonly number[];
}

export interface GenerateRequest {
  /** Text (needs the checkpoint's tokenizer files) or explicit token ids. */
  readonly prompt: string | TokenIds;
  /** Omitted or null: no negative prompt (zero embeddings on SDXL). */
  readonly negativePrompt?: string | TokenIds | null;
  /** Image size in pixels, multiples of the VAE factor times 2^(UNet downsamples). Default 1024. */
  readonly width?: number;
  readonly height?: number;
  /** Default 30. */
  readonly steps?: number;
  /** Classifier-free guidance; <= 1 disables it. Default 5. */
  readonly guidanceScale?: number;
  /** Default: the checkpoint's own scheduler config. */
  readonly scheduler?: SchedulerName;
  /** Seeds the engine's own normal generator for latents and ancestral noise. Default 0. */
  readonly seed?: number;
  /** SDXL size conditioning. Defaults: (height, width), (0, 0), (height, width). */
  readonly originalSize?: readonly [number, number];
  readonly cropsCoordsTopLeft?: readonly [number, number];
  readonly targetSize?: readonly [number, number];
  /** Unit-variance start latents [1, C, h, w] (replaces the seeded draw). */
  readonly initialLatents?: TensorF32;
  /** One N(0,1) tensor per step for ancestral samplers, shaped like the latents. */
  readonly stepNoise?: readonly TensorF32[];
}

export interface GenerateResult {
  readonly width: number;
  readonly height: number;
  /** Row-major RGB bytes, width * height * 3. */
  readonly rgb: Uint8Array;
  readonly png: Buffer;
  /** Final latents [1, C, h, w]. */
  readonly latents: TensorF32;
  /** The decoded image as float NHWC in [0, 1] (the pipeline's output_type="np"). */
  readonly image: TensorF32;
  /**
   * The device memory the generation peaked at (weights included), from the CUDA backend's
   * allocator; null on the CPU, where the process's resident memory tells.
   */
  readonly peakDeviceBytes: number | null;
}

export function checkScheduler(value: unknown): SchedulerName | undefined {
  if (value === undefined) return undefined;
  if (!SCHEDULER_NAMES.includes(value as SchedulerName)) {
    invalidArgument(`expected one of ${SCHEDULER_NAMES.join(', ')} for scheduler, got ${String(value)}`);
  }
  return value as SchedulerName;
}
