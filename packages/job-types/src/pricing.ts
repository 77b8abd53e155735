/**
 * One price list for every route that creates work: a job type's catalog credits buy one output
 * of its preset (size x frames x steps); an output asking for more of that work costs
 * proportionally more, rounded up. Asking for less never costs less than the catalog price.
 * queue-job and the task protocol both price through here.
 */
import { JOB_CATALOG } from './catalog.js';
import type { JobType } from './job-type.js';

export interface GenerationWork {
  width: number;
  height: number;
  frames: number;
  steps: number;
  /** Images (SDXL) or videos asked for; each is priced alone. */
  outputs: number;
}

export function workCredits(jobType: JobType, work: GenerationWork): number {
  const { credits, preset } = JOB_CATALOG[jobType];
  const asked = work.width * work.height * work.frames * work.steps;
  const included = preset.width * preset.height * preset.frames * preset.steps;
  // Integers below 2^53 throughout, so an exact multiple divides exactly.
  return work.outputs * Math.max(credits, Math.ceil((credits * asked) / included));
}
