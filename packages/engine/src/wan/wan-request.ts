import { invalidArgument } from '../common/argument-checks.js';
import type { TensorF32 } from '../common/tensor.js';

/** UMT5 token ids of one prompt, padded (with 0) to the pipeline's max_sequence_length. */
export interface WanTokenIds {
  readonly ids: Int32Array | readonly number[];
  /** 1 on real tokens (eos included), 0 on padding. Default: 1 where the id is not 0. */
  readonly attentionMask?: Int32Array | readonly number[];
}

export const WAN_SCHEDULER_NAMES = ['flow_euler', 'unipc'] as const;
export type WanSchedulerName = (typeof WAN_SCHEDULER_NAMES)[number];

/** An 8-bit RGB image: row-major, 3 bytes per pixel, no padding. */
export interface WanConditioningImage {
  readonly width: number;
  readonly height: number;
  /** width * height * 3 bytes. */
  readonly rgb: Uint8Array;
}

export interface WanGenerateRequest {
  /** Text (needs the checkpoint's tokenizer/spiece.model) or explicit token ids. */
  readonly prompt: string | WanTokenIds;
  /** Omitted or null: the empty string, as WanPipeline encodes it ([eos] and padding). */
  readonly negativePrompt?: string | WanTokenIds | null;
  /** Tokens per prompt for text prompts (WanPipeline's max_sequence_length). Default 512. */
  readonly maxSequenceLength?: number;
  /** Frame size in pixels, multiples of 16 (VAE 8 x patch 2). Defaults 832 x 480. */
  readonly width?: number;
  readonly height?: number;
  /** Rounded down to 4k + 1 as WanPipeline does; 1 = a single image. Default 81. */
  readonly numFrames?: number;
  /** Default 50. */
  readonly steps?: number;
  /** Classifier-free guidance; <= 1 disables it. Default 5. */
  readonly guidanceScale?: number;
  /** Default: the checkpoint's scheduler config. */
  readonly scheduler?: WanSchedulerName;
  /** Overrides the config's shift / flow_shift (e.g. 3 for 480p, 5 for 720p). */
  readonly flowShift?: number;
  /** Seeds the engine's own normal generator for the start latents. Default 0. */
  readonly seed?: number;
  /** Start latents [1, 16, (F - 1) / 4 + 1, H / 8, W / 8] (replaces the seeded draw). */
  readonly initialLatents?: TensorF32;
  /**
   * The first frame for image-to-video checkpoints (required there, refused by text-to-video
   * ones: see WanEngine.supportsImageConditioning). Any size: CLIP sees it as given, the VAE
   * resized to width x height (Lanczos), as WanImageToVideoPipeline does.
   */
  readonly image?: WanConditioningImage;
}

export interface WanGenerateResult {
  readonly width: number;
  readonly height: number;
  readonly numFrames: number;
  /** Row-major RGB bytes, frame after frame: numFrames * height * width * 3. */
  readonly rgb: Uint8Array;
  /** The first frame as an RGB PNG. */
  readonly poster: Buffer;
  /** Final latents [1, C, T, h, w]. */
  readonly latents: TensorF32;
  /** Frames as float [1, F, H, W, 3] in [0, 1] (the pipeline's output_type="np"). */
  readonly frames: TensorF32;
  /**
   * The device memory the generation peaked at (weights included), from the CUDA backend's
   * allocator; null on the CPU, where the process's resident memory tells.
   */
  readonly peakDeviceBytes: number | null;
}

/** Checks one prompt's ids and mask and returns them as Int32Arrays of equal length. */
export function toWanIds(value: WanTokenIds, what: string, vocabSize: number): [Int32Array, Int32Array] {
  if (!value || typeof value !== 'object' || !('ids' in value)) {
    invalidArgument(`expected { ids, attentionMask? } for ${what} (text prompts need the UMT5 tokenizer)`);
  }
  const ids = value.ids instanceof Int32Array ? value.ids : Int32Array.from(value.ids);
  if (ids.length === 0 || !ids.every((v) => Number.isInteger(v) && v >= 0 && v < vocabSize)) {
    invalidArgument(`expected 1+ token ids in [0, ${vocabSize}) for ${what}`);
  }
  const mask = value.attentionMask
    ? value.attentionMask instanceof Int32Array
      ? value.attentionMask
      : Int32Array.from(value.attentionMask)
    : ids.map((v) => (v !== 0 ? 1 : 0));
  if (mask.length !== ids.length || !mask.every((v) => v === 0 || v === 1)) {
    invalidArgument(`expected ${ids.length} mask values of 0 or 1 for ${what}.attentionMask`);
  }
  return [ids, mask];
}

export function checkWanScheduler(value: unknown): WanSchedulerName | undefined {
  if (value === undefined) return undefined;
  if (!WAN_SCHEDULER_NAMES.includes(value as WanSchedulerName)) {
    invalidArgument(`expected one of ${WAN_SCHEDULER_NAMES.join(', ')} for scheduler, got ${String(value)}`);
  }
  return value as WanSchedulerName;
}

export function checkNonNegative(value: number, what: string): number {
  if (!Number.isFinite(value) || value < 0)
    invalidArgument(`expected a non-negative number for ${what}, got ${value}`);
  return value;
}

/** Checks a conditioning image's form (sizes and byte count); returns it unchanged. */
export function checkWanImage(value: unknown): WanConditioningImage {
  const img = value as WanConditioningImage;
  if (!img || typeof img !== 'object')
    invalidArgument('expected { width, height, rgb: Uint8Array } for image');
  for (const key of ['width', 'height'] as const) {
    const v = img[key];
    if (!Number.isInteger(v) || v < 1 || v > 16384)
      invalidArgument(`expected an integer in [1, 16384] for image.${key}, got ${v}`);
  }
  if (!(img.rgb instanceof Uint8Array)) invalidArgument('expected a Uint8Array for image.rgb');
  const bytes = img.width * img.height * 3;
  if (img.rgb.length !== bytes) {
    invalidArgument(`expected ${bytes} bytes (width * height * 3) for image.rgb, got ${img.rgb.length}`);
  }
  return img;
}
