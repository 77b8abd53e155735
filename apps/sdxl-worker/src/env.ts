/** sdxl-worker settings: the shared worker settings plus the SDXL checkpoint folder. */
import { type Env, parseEnv } from '@gpuq/config';
import { SharedWorkerSettings } from '@gpuq/worker-runtime';
import { z } from 'zod';

const Schema = SharedWorkerSettings.extend({
  /**
   * A diffusers-layout SDXL folder, or a single-file checkpoint (a path ending in .safetensors,
   * e.g. sd_xl_base_1.0.safetensors: configs and tokenizers then come from SDXL base 1.0's,
   * shipped with the engine); unset: the generated tiny checkpoint (with a warning).
   */
  SDXL_MODEL_DIR: z.string().optional(),
});
export type SdxlWorkerSettings = z.infer<typeof Schema>;

export function loadSdxlWorkerSettings(env: Env): SdxlWorkerSettings {
  return parseEnv('sdxl-worker', Schema, env);
}

/** The schema itself, for docs/CONFIGURATION.md. */
export { Schema as SdxlWorkerSettingsSchema };
