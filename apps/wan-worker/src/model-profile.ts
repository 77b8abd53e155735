/**
 * Sizes for the WAN checkpoint actually loaded. The presets are for the real 1.3B model
 * (832x480, 81 frames); the generated tiny checkpoint runs the same steps, scheduler, guidance and
 * flow shift at 48 px on the long side and 9 frames, so the demo and tests exercise the real
 * pipeline in seconds on a CPU.
 */
export interface WanProfile {
  name: 'real' | 'tiny';
  size(width: number, height: number): { width: number; height: number };
  frames(frames: number): number;
}

export const REAL_WAN_PROFILE: WanProfile = {
  name: 'real',
  size: (width, height) => ({ width, height }),
  frames: (frames) => frames,
};

export const TINY_WAN_PROFILE: WanProfile = {
  name: 'tiny',
  size(width, height) {
    // Multiples of 16: the VAE's 8x times the transformer's 2x2 patches.
    const scale = 48 / Math.max(width, height);
    const snap = (value: number) => Math.max(16, Math.round((value * scale) / 16) * 16);
    return { width: snap(width), height: snap(height) };
  },
  // Still images stay one frame; videos keep the 4k + 1 shape the causal VAE needs.
  frames: (frames) => (frames > 1 ? 9 : 1),
};
