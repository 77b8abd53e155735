/** Request limits, shared by the API edge, the workers and the docs. */

export const PROMPT_MAX_CHARS = 2000;
export const SEED_MAX = 2 ** 32 - 1;
export const SDXL_MAX_IMAGES = 6;
/** Postgres `integer`: numbers stored in such a column are bounded by it at the edge. */
export const INT32_MAX = 2 ** 31 - 1;

/** Pixel-size bounds per model family: the latent grid forces a multiple (VAE x patch size). */
export const SIZE_LIMITS = {
  sdxl: { min: 256, max: 2048, multiple: 8 },
  wan: { min: 256, max: 1280, multiple: 16 },
} as const;

/**
 * Highest classifier-free guidance a task may ask for. Guidance changes no amount of work (the
 * presets use 5 and 7); the bound only keeps nonsense out of a worker.
 */
export const GUIDANCE_MAX = 20;

/** Highest frame rate a travel may name: it changes no work, only how the frames are timed. */
export const FPS_MAX = 120;
