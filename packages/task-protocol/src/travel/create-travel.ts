/**
 * Creates a travel in one transaction: the orchestrator, its segments chained by dependant_on
 * (segment i waits for segment i - 1 and reads its output), and the stitch waiting for every
 * segment, each with its credit reservation: a segment pays for its own work (frames x pixels x
 * steps, queue-job's price list), the stitch its catalog price, so the travel costs their sum.
 * Any failure (credits, a bad project) rolls all of it back. The orchestrator then leaves the
 * queue (In Progress, no worker): the server ran its only step, and the stitch completes it
 * (migration travel_chain_cascade).
 */
import { randomUUID } from 'node:crypto';
import { createTask, startOrchestratorTask, type Task, type Transaction } from '@gpuq/db';
import { type ProtocolTaskType, protocolJob, type TravelOrchestratorParams } from '@gpuq/job-types';
import { planTravel } from './plan-travel.js';

export interface CreateTravelInput {
  userId: string;
  projectId: string;
  params: TravelOrchestratorParams;
  taskId?: string;
}

export interface CreatedTravel {
  orchestrator: Task;
  segments: Task[];
  stitch: Task;
}

/** The price of params this module planned itself, so they are valid by construction. */
function plannedCredits(taskType: ProtocolTaskType, params: Record<string, unknown>): number {
  const job = protocolJob(taskType, params);
  if (!job.success) throw new TypeError(`planned ${taskType} params are invalid: ${job.error.message}`);
  return job.data.credits;
}

export async function createTravel(tx: Transaction, input: CreateTravelInput): Promise<CreatedTravel> {
  const orchestratorTaskId = input.taskId ?? randomUUID();
  const details = input.params.orchestrator_details;
  const segmentTaskIds = details.segment_frames_expanded.map(() => randomUUID());
  const plan = planTravel(details, { orchestratorTaskId, segmentTaskIds, projectId: input.projectId });
  const owner = { userId: input.userId, projectId: input.projectId };

  await createTask(tx, {
    ...owner,
    taskId: orchestratorTaskId,
    taskType: 'travel_orchestrator',
    params: {
      ...input.params,
      orchestrator_details: plan.orchestratorDetails,
      orchestrator_run_id: plan.runId,
    },
  });
  const segments: Task[] = [];
  for (const [i, params] of plan.segments.entries()) {
    const previous = segmentTaskIds[i - 1];
    const { task } = await createTask(tx, {
      ...owner,
      taskId: segmentTaskIds[i],
      taskType: 'travel_segment',
      params,
      cost: plannedCredits('travel_segment', params),
      dependantOn: previous ? [previous] : [],
    });
    segments.push(task);
  }
  const { task: stitch } = await createTask(tx, {
    ...owner,
    taskType: 'travel_stitch',
    params: plan.stitch,
    cost: plannedCredits('travel_stitch', plan.stitch),
    dependantOn: segmentTaskIds,
  });
  const orchestrator = await startOrchestratorTask(tx, orchestratorTaskId);
  return { orchestrator, segments, stitch };
}
