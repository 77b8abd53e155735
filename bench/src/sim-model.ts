/**
 * A simulated GPU for the fleet simulation: each job takes its catalog type's expected duration
 * (JOB_CATALOG's `expectedSeconds`), divided by the simulation's time scale, in the type's number
 * of denoising steps, reporting progress after each step as the real engines do; then it returns
 * what the callback accepts for the job: the no-op engine's 1x1 PNG, or for a video job a tiny real
 * MP4 and its poster (a PNG there would be refused, and the job retried and dead-lettered). The
 * control plane sees what a real fleet makes it do, only `timeScale` times faster.
 */
import { JOB_CATALOG, type JobType } from '@gpuq/job-types';
import { ONE_PIXEL_PNG } from '@gpuq/testing';
import type { GenerationModel } from '@gpuq/worker-runtime';
import { noopModel } from './noop-model.js';

/** A job's simulated duration in ms at `timeScale`. */
export function simulatedMs(taskType: string, timeScale: number): number {
  const spec = JOB_CATALOG[taskType as JobType];
  return spec ? (spec.expectedSeconds * 1_000) / timeScale : 0;
}

/** `video`: the MP4 every video job returns (`encodePlaceholderClip` of @gpuq/media, encoded once). */
export function simulatedGpu(timeScale: number, video: Uint8Array): GenerationModel {
  return {
    description: `simulated GPU (catalog durations / ${timeScale})`,
    async run(job, context) {
      const spec = JOB_CATALOG[job.taskType as JobType];
      const steps = spec?.preset.steps ?? 1;
      const stepMs = simulatedMs(job.taskType, timeScale) / steps;
      for (let step = 1; step <= steps; step += 1) {
        context.signal.throwIfAborted();
        await new Promise((resolve) => setTimeout(resolve, stepMs));
        context.onProgress(step / steps);
      }
      if ((job.generation?.frames ?? 1) > 1)
        return {
          files: [
            { kind: 'video', filename: 'video.mp4', contentType: 'video/mp4', bytes: video },
            { kind: 'poster', filename: 'poster.png', contentType: 'image/png', bytes: ONE_PIXEL_PNG },
          ],
        };
      return noopModel.run(job, context);
    },
  };
}
