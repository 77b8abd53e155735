/** A travel task's stored params, checked when it is about to run: unusable ones fail the task. */
import type { Task } from '@gpuq/db';
import { describeValidationError } from '@gpuq/job-types';
import type { z } from 'zod';
import { TravelInputError } from '../errors/travel-input-error.js';

/** @throws TravelInputError naming the first bad field. */
export function checkedTravelParams<T>(task: Task, schema: z.ZodType<T>): T {
  const parsed = schema.safeParse(task.params);
  if (parsed.success) return parsed.data;
  const { error } = describeValidationError(parsed.error);
  throw new TravelInputError(task.id, task.taskType, `params.${error.message}`);
}
