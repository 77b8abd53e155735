/**
 * A real worker process for the drills: the shared worker runtime (BullMQ loop, leases, callbacks,
 * storage, SIGTERM grace) around a synthetic model that "renders" for DRILL_STEPS × DRILL_STEP_MS
 * and writes a 1×1 PNG (a video job: a 2-frame 16×16 MP4, encoded by ffmpeg once at start, and its
 * poster), so the drills exercise every path a job takes without the native engine.
 */
import { parseEnv } from '@gpuq/config';
import { encodePlaceholderClip } from '@gpuq/media';
import { ONE_PIXEL_PNG } from '@gpuq/testing';
import { type GenerationModel, runWorkerProcess, SharedWorkerSettings } from '@gpuq/worker-runtime';
import { z } from 'zod';

const Schema = SharedWorkerSettings.extend({
  DRILL_QUEUE: z.enum(['wan_queue', 'sdxl_queue']).default('wan_queue'),
  DRILL_STEPS: z.coerce.number().int().positive().default(10),
  DRILL_STEP_MS: z.coerce.number().int().nonnegative().default(100),
  /** The SIGTERM grace period; 0 hands a running job back at once. */
  DRILL_GRACE_MS: z.coerce.number().int().nonnegative().default(30_000),
});
type DrillWorkerSettings = z.infer<typeof Schema>;

const settings = parseEnv('drill-worker', Schema, process.env);

function syntheticModel(options: DrillWorkerSettings, video: Uint8Array): GenerationModel {
  return {
    description: `synthetic (${options.DRILL_STEPS} × ${options.DRILL_STEP_MS} ms)`,
    async run(job, { signal, onProgress }) {
      for (let step = 1; step <= options.DRILL_STEPS; step += 1) {
        if (signal.aborted) throw signal.reason ?? new Error('aborted');
        await new Promise((resolve) => setTimeout(resolve, options.DRILL_STEP_MS));
        onProgress(step / options.DRILL_STEPS);
      }
      if ((job.generation?.frames ?? 1) > 1)
        return {
          files: [
            { kind: 'video', filename: 'video.mp4', contentType: 'video/mp4', bytes: video },
            { kind: 'poster', filename: 'poster.png', contentType: 'image/png', bytes: ONE_PIXEL_PNG },
          ],
        };
      return {
        files: [{ kind: 'image', filename: 'image-0.png', contentType: 'image/png', bytes: ONE_PIXEL_PNG }],
      };
    },
  };
}

await runWorkerProcess({
  name: 'drill-worker',
  queue: settings.DRILL_QUEUE,
  loadSettings: (env) => parseEnv('drill-worker', Schema, env),
  prepare: async (loaded) => syntheticModel(loaded, await encodePlaceholderClip()),
  shutdownGraceMs: settings.DRILL_GRACE_MS,
});
