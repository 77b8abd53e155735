/**
 * What an SDXL model path names: a diffusers folder (configs, tokenizers and weights together) or
 * a single-file checkpoint (`*.safetensors`, the layout of sd_xl_base_1.0.safetensors and of
 * ComfyUI / AUTOMATIC1111 / civitai files). A single file holds weights only, so its configs,
 * scheduler and tokenizers come from a config folder: by default SDXL base 1.0's own, shipped in
 * this package (configs/stable-diffusion-xl-base-1.0, copied verbatim from the published model).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../common/engine-error.js';

/** The bundled SDXL base 1.0 configs and tokenizers (the folder without its weights). */
export const SDXL_BASE_CONFIG_DIR = join(
  import.meta.dirname,
  '..',
  '..',
  'configs',
  'stable-diffusion-xl-base-1.0',
);

export interface SdxlModelPath {
  /** Where the configs, scheduler and tokenizers are read. */
  readonly configDir: string;
  /** True when the path is a single-file checkpoint. */
  readonly singleFile: boolean;
}

export function resolveSdxlModelPath(path: string, configDir?: string): SdxlModelPath {
  if (!path.toLowerCase().endsWith('.safetensors')) {
    if (configDir !== undefined) {
      throw new EngineError(
        'GPUQ_INVALID_ARGUMENT',
        `configDir applies to single-file checkpoints (*.safetensors) only, got the folder ${path}`,
      );
    }
    return { configDir: path, singleFile: false };
  }
  if (!existsSync(path) || !statSync(path).isFile()) {
    throw new EngineError('GPUQ_NOT_FOUND', `single-file SDXL checkpoint not found: ${path}`);
  }
  const dir = configDir ?? SDXL_BASE_CONFIG_DIR;
  if (!existsSync(join(dir, 'model_index.json'))) {
    throw new EngineError(
      'GPUQ_NOT_FOUND',
      `config folder ${dir} for the single-file checkpoint ${path} has no model_index.json`,
    );
  }
  return { configDir: dir, singleFile: true };
}
