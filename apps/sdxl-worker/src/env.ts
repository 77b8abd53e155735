/** sdxl-worker settings: the shared worker settings plus the SDXL checkpoint folder. */
import { type Env, parseEnv } from '@gpuq/config';
import { WEIGHT_DTYPES } from '@gpuq/engine';
import { SharedWorkerSettings } from '@gpuq/worker-runtime';
import { z } from 'zod';

const Schema = SharedWorkerSettings.extend({
  /**
   * A diffusers-layout SDXL folder, or a single-file checkpoint (a path ending in .safetensors,
   * e.g. sd_xl_base_1.0.safetensors: configs and tokenizers then come from SDXL base 1.0's,
   * shipped with the engine); unset: the generated tiny checkpoint (with a warning).
   */
  SDXL_MODEL_DIR: z.string().optional(),
  /**
   * With a single-file SDXL_MODEL_DIR only: a diffusers folder whose configs, scheduler and
   * tokenizers apply to the file (its weights are not read); unset: SDXL base 1.0's.
   */
  SDXL_CONFIG_DIR: z.string().optional(),
  /**
   * The dtype the SDXL weights are kept in: `auto` (the published dtype: fp16 for the `.fp16`
   * variant files), `fp32`, `fp16` or `bf16`. The VAE stays fp32 when its config says
   * force_upcast (SDXL base does).
   */
  SDXL_WEIGHT_DTYPE: z.enum(WEIGHT_DTYPES).default('auto'),
}).superRefine((settings, ctx) => {
  if (settings.SDXL_CONFIG_DIR && !settings.SDXL_MODEL_DIR?.toLowerCase().endsWith('.safetensors')) {
    ctx.addIssue({
      code: 'custom',
      path: ['SDXL_CONFIG_DIR'],
      message: 'applies only when SDXL_MODEL_DIR is a single-file checkpoint (a .safetensors path)',
    });
  }
});
export type SdxlWorkerSettings = z.infer<typeof Schema>;

export function loadSdxlWorkerSettings(env: Env): SdxlWorkerSettings {
  return parseEnv('sdxl-worker', Schema, env);
}

/** The schema itself, for docs/CONFIGURATION.md. */
export { Schema as SdxlWorkerSettingsSchema };
