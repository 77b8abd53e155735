/**
 * The most work queue-job lets one request ask of each model family, read off the catalog: the
 * largest preset's steps and frames. Task-protocol params are held to the same, so no route asks
 * a fleet for more than queue-job can.
 */
import { JOB_CATALOG } from './catalog.js';
import type { ModelFamily } from './model-family.js';

export interface FamilyWorkLimits {
  steps: number;
  frames: number;
}

function limitsOf(family: ModelFamily): FamilyWorkLimits {
  const presets = Object.values(JOB_CATALOG)
    .filter((spec) => spec.family === family)
    .map((spec) => spec.preset);
  return {
    steps: Math.max(...presets.map((preset) => preset.steps)),
    frames: Math.max(...presets.map((preset) => preset.frames)),
  };
}

export const WORK_LIMITS: Record<ModelFamily, FamilyWorkLimits> = {
  sdxl: limitsOf('sdxl'),
  wan: limitsOf('wan'),
};
