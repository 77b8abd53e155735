/**
 * The image synthetic models return — the drills' workers, the bench's no-op engine and simulated
 * GPUs: the callback service sniffs each output, so a stand-in must be a real PNG (a video job's
 * stand-in is `encodePlaceholderClip` of @gpuq/media).
 */

/** A valid 1×1 RGBA PNG (67 bytes). */
export const ONE_PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
