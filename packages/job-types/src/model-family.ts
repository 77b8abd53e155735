/**
 * Model families and the two BullMQ queues. A family owns a queue, a worker fleet, size rules and a
 * default negative prompt; every job and task type belongs to exactly one family.
 */
import { z } from 'zod';
import { SIZE_LIMITS } from './limits.js';

export const ModelFamily = z.enum(['sdxl', 'wan']);
export type ModelFamily = z.infer<typeof ModelFamily>;

export const QueueName = z.enum(['sdxl_queue', 'wan_queue']);
export type QueueName = z.infer<typeof QueueName>;

export const FamilySpec = z.object({
  queue: QueueName,
  /** How long an idle worker blocks on Redis waiting for a job (BullMQ `drainDelay`, seconds).
   * Replaces the seed's 2 s / 5 s polling interval: a waiting job is still picked up at once. */
  idleBlockSeconds: z.number().int().positive(),
  size: z.object({ min: z.number().int(), max: z.number().int(), multiple: z.number().int() }),
  defaultNegativePrompt: z.string(),
});
export type FamilySpec = z.infer<typeof FamilySpec>;

export const MODEL_FAMILIES = {
  sdxl: {
    queue: 'sdxl_queue',
    idleBlockSeconds: 2,
    size: SIZE_LIMITS.sdxl,
    defaultNegativePrompt:
      'blurry, low quality, worst quality, jpeg artifacts, deformed, distorted, bad anatomy, extra limbs, watermark, text, signature',
  },
  wan: {
    queue: 'wan_queue',
    idleBlockSeconds: 5,
    size: SIZE_LIMITS.wan,
    // Wan 2.1's own default negative prompt, in English.
    defaultNegativePrompt:
      'bright colors, overexposed, static, blurred details, subtitles, style, artwork, painting, still picture, overall gray, worst quality, low quality, JPEG compression artifacts, ugly, incomplete, extra fingers, poorly drawn hands, poorly drawn faces, deformed, disfigured, malformed limbs, fused fingers, motionless frame, cluttered background, three legs, many people in the background, walking backwards',
  },
} as const satisfies Record<ModelFamily, FamilySpec>;

export function familyOfQueue(queue: QueueName): ModelFamily {
  return queue === 'sdxl_queue' ? 'sdxl' : 'wan';
}
