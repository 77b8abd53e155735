/**
 * A simulated GPU for the fleet simulation: each job takes its catalog type's expected duration
 * (JOB_CATALOG's `expectedSeconds`), divided by the simulation's time scale, in the type's number
 * of denoising steps, reporting progress after each step as the real engines do; then it returns
 * the no-op engine's 1x1 PNG. The control plane sees what a real fleet makes it do, only
 * `timeScale` times faster.
 */
import { JOB_CATALOG, type JobType } from '@gpuq/job-types';
import type { GenerationModel } from '@gpuq/worker-runtime';
import { noopModel } from './noop-model.js';

/** A job's simulated duration in ms at `timeScale`. */
export function simulatedMs(taskType: string, timeScale: number): number {
  const spec = JOB_CATALOG[taskType as JobType];
  return spec ? (spec.expectedSeconds * 1_000) / timeScale : 0;
}

export function simulatedGpu(timeScale: number): GenerationModel {
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
      return noopModel.run(job, context);
    },
  };
}
