/**
 * Sizes for the checkpoint actually loaded. The presets are for real SDXL (1024x1024); the
 * generated tiny checkpoint runs the same steps, scheduler and guidance at a small size, so the
 * demo and the tests exercise the real pipeline in seconds on a CPU.
 */
export interface ModelProfile {
  name: 'real' | 'tiny';
  /** The size a job of `width` x `height` runs at. */
  size(width: number, height: number): { width: number; height: number };
}

export const REAL_PROFILE: ModelProfile = { name: 'real', size: (width, height) => ({ width, height }) };

/** The longest side becomes 64 px; both sides stay multiples of 16 (latent grid of the tiny UNet). */
export const TINY_PROFILE: ModelProfile = {
  name: 'tiny',
  size(width, height) {
    const scale = 64 / Math.max(width, height);
    const snap = (value: number) => Math.max(16, Math.round((value * scale) / 16) * 16);
    return { width: snap(width), height: snap(height) };
  },
};
