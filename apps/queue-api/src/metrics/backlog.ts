/** The backlog an autoscaler sizes each fleet by: expected GPU-seconds of unfinished work per queue. */
import { type Queryable, unfinishedWork } from '@gpuq/db';
import { fleetQueueOf, JOB_CATALOG, type JobType, type QueueName } from '@gpuq/job-types';

/** Protocol tasks have no catalog duration; a travel segment is about a fast video. */
const PROTOCOL_SECONDS: Record<string, number> = {
  single_image: 5,
  travel_segment: 180,
  travel_stitch: 10,
  travel_orchestrator: 0,
};

export async function backlogSeconds(db: Queryable): Promise<Record<QueueName, number>> {
  const totals: Record<QueueName, number> = { sdxl_queue: 0, wan_queue: 0 };
  for (const { taskType, outputs } of await unfinishedWork(db)) {
    const seconds = JOB_CATALOG[taskType as JobType]?.expectedSeconds ?? PROTOCOL_SECONDS[taskType] ?? 60;
    // Registered types are pull-workers' work, not our fleets'.
    const queue = fleetQueueOf(taskType);
    if (queue) totals[queue] += seconds * outputs;
  }
  return totals;
}
