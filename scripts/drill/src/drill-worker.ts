/**
 * A real worker process for the drills: the shared worker runtime (BullMQ loop, leases, callbacks,
 * storage, SIGTERM grace) around a synthetic model that "renders" for DRILL_STEPS × DRILL_STEP_MS
 * and writes a 1×1 PNG (a video job: a 2-frame 16×16 MP4, encoded by ffmpeg once at start, and its
 * poster), so the drills exercise every path a job takes without the native engine.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from '@gpuq/config';
import { encodeMp4 } from '@gpuq/media';
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

/** A real (tiny) H.264 MP4: the callback checks that a video job's output is one. */
async function tinyMp4(): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-drill-video-'));
  try {
    const frames = [0, 255].map((shade) => new Uint8Array(16 * 16 * 3).fill(shade));
    const video = await encodeMp4(frames, { width: 16, height: 16, fps: 16 }, join(dir, 'video.mp4'), {
      preset: 'ultrafast',
    });
    return readFileSync(video.path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

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
            { kind: 'poster', filename: 'poster.png', contentType: 'image/png', bytes: PNG_1X1 },
          ],
        };
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
  prepare: async (loaded) => syntheticModel(loaded, await tinyMp4()),
  shutdownGraceMs: settings.DRILL_GRACE_MS,
});
