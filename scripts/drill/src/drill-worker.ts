/**
 * A real worker process for the drills: the shared worker runtime (BullMQ loop, leases, callbacks,
 * storage, SIGTERM grace) around a synthetic model that "renders" for DRILL_STEPS × DRILL_STEP_MS
 * and writes a 1×1 PNG, so the drills exercise every path a job takes without the native engine.
 */
import { parseEnv } from '@gpuq/config';
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

const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

const settings = parseEnv('drill-worker', Schema, process.env);

function syntheticModel(options: DrillWorkerSettings): GenerationModel {
  return {
    description: `synthetic (${options.DRILL_STEPS} × ${options.DRILL_STEP_MS} ms)`,
    async run(_job, { signal, onProgress }) {
      for (let step = 1; step <= options.DRILL_STEPS; step += 1) {
        if (signal.aborted) throw signal.reason ?? new Error('aborted');
        await new Promise((resolve) => setTimeout(resolve, options.DRILL_STEP_MS));
        onProgress(step / options.DRILL_STEPS);
      }
      return {
        files: [{ kind: 'image', filename: 'image-0.png', contentType: 'image/png', bytes: PNG_1X1 }],
      };
    },
  };
}

await runWorkerProcess({
  name: 'drill-worker',
  queue: settings.DRILL_QUEUE,
  loadSettings: (env) => parseEnv('drill-worker', Schema, env),
  prepare: async (loaded) => syntheticModel(loaded),
  shutdownGraceMs: settings.DRILL_GRACE_MS,
});
