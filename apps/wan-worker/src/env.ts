/** wan-worker settings: the shared worker settings plus the WAN 2.1 checkpoint folder and the 7B enhancer model. */
import { type Env, parseEnv } from '@gpuq/config';
import { WEIGHT_DTYPES } from '@gpuq/engine';
import { SharedWorkerSettings } from '@gpuq/worker-runtime';
import { z } from 'zod';

const Schema = SharedWorkerSettings.extend({
  /** A diffusers-layout WAN 2.1 checkpoint; unset: the generated tiny checkpoint (with a warning). */
  WAN_MODEL_DIR: z.string().optional(),
  /**
   * Which generated tiny checkpoint runs when WAN_MODEL_DIR is unset: text-to-video (the default)
   * or image-to-video (jobs then start from their referenceImageUrl / a travel's previous frames).
   */
  WAN_TINY_CHECKPOINT: z.enum(['text-to-video', 'image-to-video']).default('text-to-video'),
  /**
   * The dtype the WAN weights are kept in: `auto` (the published dtype, but bf16 for the
   * fp32-published transformer and UMT5 text encoder on a GPU), `fp32`, `fp16` or `bf16`. The
   * VAE stays fp32.
   */
  WAN_WEIGHT_DTYPE: z.enum(WEIGHT_DTYPES).default('auto'),
  /** A GGUF file of the 7B prompt enhancer; unset: the generated tiny GGUF (with a warning). */
  LLM_MODEL_PATH: z.string().optional(),
});
export type WanWorkerSettings = z.infer<typeof Schema>;

export function loadWanWorkerSettings(env: Env): WanWorkerSettings {
  return parseEnv('wan-worker', Schema, env);
}

/** The schema itself, for docs/CONFIGURATION.md. */
export { Schema as WanWorkerSettingsSchema };
