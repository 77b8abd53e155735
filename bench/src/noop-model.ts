/**
 * The "no-op engine": a GenerationModel that returns a 1x1 PNG at once, so a full-path run
 * measures the system around the GPU (HTTP, Postgres, Redis, storage, callbacks) and nothing else.
 */
import type { GenerationModel } from '@gpuq/worker-runtime';

/** A valid 1x1 RGBA PNG (67 bytes): storage and the callback service see a real image file. */
export const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

export const noopModel: GenerationModel = {
  description: 'no-op engine (1x1 PNG, no compute)',
  async run(job) {
    const count = job.generation?.numImages ?? 1;
    return {
      files: Array.from({ length: count }, (_, index) => ({
        kind: 'image' as const,
        filename: `image-${index}.png`,
        contentType: 'image/png',
        bytes: ONE_PIXEL_PNG,
      })),
    };
  },
};
