/**
 * What a create-task body would reserve, without creating it (calculate-task-cost's
 * `{ task_type, params }` form): a built-in type priced by the work its params ask for (a travel
 * by its planned segments and stitch, as create-task reserves it), any other type by its row in
 * the task_types table. Unknown types and bad params are the same 400s create-task gives.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '@gpuq/db';
import { invalidRequestError } from '@gpuq/http';
import {
  isProtocolTaskType,
  type ProtocolTaskType,
  protocolJob,
  TaskTypeName,
  TravelOrchestratorParams,
} from '@gpuq/job-types';
import { z } from 'zod';
import { planTravel } from '../travel/plan-travel.js';
import { registeredTaskType } from './registered-task-type.js';

export const TaskTypeCostRequest = z.looseObject({
  task_type: TaskTypeName,
  params: z.record(z.string(), z.unknown()).default({}),
});
export type TaskTypeCostRequest = z.infer<typeof TaskTypeCostRequest>;

export interface TaskTypeCost {
  task_type: string;
  credits: number;
  /** `work`: gpuq's price list over the params; `task_types`: the type's registered price. */
  priced_by: 'work' | 'task_types';
}

function workCreditsOf(taskType: ProtocolTaskType, params: unknown, field = 'params'): number {
  const job = protocolJob(taskType, params);
  if (job.success) return job.data.credits;
  throw invalidRequestError(job.error, field);
}

function travelCredits(params: TravelOrchestratorParams): number {
  const details = params.orchestrator_details;
  const plan = planTravel(details, {
    orchestratorTaskId: randomUUID(),
    segmentTaskIds: details.segment_frames_expanded.map(() => randomUUID()),
  });
  const segments = plan.segments.reduce((sum, segment) => sum + workCreditsOf('travel_segment', segment), 0);
  return segments + workCreditsOf('travel_stitch', plan.stitch);
}

export async function taskTypeCost(db: Queryable, body: TaskTypeCostRequest): Promise<TaskTypeCost> {
  const taskType = body.task_type;
  if (!isProtocolTaskType(taskType)) {
    const { credits } = await registeredTaskType(db, taskType);
    return { task_type: taskType, credits, priced_by: 'task_types' };
  }
  const own = workCreditsOf(taskType, body.params);
  const credits =
    taskType === 'travel_orchestrator' ? travelCredits(TravelOrchestratorParams.parse(body.params)) : own;
  return { task_type: taskType, credits, priced_by: 'work' };
}
