/** sdxl-worker settings: the shared worker settings plus the SDXL checkpoint folder. */
import { type Env, parseEnv } from '@gpuq/config';
import { WEIGHT_DTYPES } from '@gpuq/engine';
import { SharedWorkerSettings } from '@gpuq/worker-runtime';
import { z } from 'zod';

const Schema = SharedWorkerSettings.extend({
  /** A diffusers-layout SDXL checkpoint; unset: the generated tiny checkpoint (with a warning). */
  SDXL_MODEL_DIR: z.string().optional(),
  /**
   * The dtype the SDXL weights are kept in: `auto` (the published dtype: fp16 for the `.fp16`
   * variant files), `fp32`, `fp16` or `bf16`. The VAE stays fp32 when its config says
   * force_upcast (SDXL base does).
   */
  SDXL_WEIGHT_DTYPE: z.enum(WEIGHT_DTYPES).default('auto'),
});
export type SdxlWorkerSettings = z.infer<typeof Schema>;

export function loadSdxlWorkerSettings(env: Env): SdxlWorkerSettings {
  return parseEnv('sdxl-worker', Schema, env);
}

/** The schema itself, for docs/CONFIGURATION.md. */
export { Schema as SdxlWorkerSettingsSchema };
