/**
 * The "no-op engine": a GenerationModel that returns a 1x1 PNG at once, so a full-path run
 * measures the system around the GPU (HTTP, Postgres, Redis, storage, callbacks) and nothing else.
 */
import { ONE_PIXEL_PNG } from '@gpuq/testing';
import type { GenerationModel } from '@gpuq/worker-runtime';

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
