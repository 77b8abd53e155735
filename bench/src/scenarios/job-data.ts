/**
 * The queue-layer side of a job as the api builds it: the request parsed and resolved by
 * @gpuq/job-types, wrapped in QueueJobData. (a) and (c) build one per job, so the cost of the
 * schema work is part of "our queue layer".
 */
import { randomUUID } from 'node:crypto';
import { JOB_CATALOG, type QueueJobData, QueueJobRequest, resolveGenerationParams } from '@gpuq/job-types';

export const REQUEST_BODY = { jobType: 'sdxl_image_fast', metadata: { prompt: 'a red fox in the snow' } };

export function resolveJobData(body: unknown = REQUEST_BODY): QueueJobData {
  const request = QueueJobRequest.parse(body);
  const taskId = randomUUID();
  return {
    taskId,
    taskType: request.jobType,
    userId: randomUUID(),
    projectId: randomUUID(),
    generation: resolveGenerationParams(request, () => 7),
    params: {},
    bucket: JOB_CATALOG[request.jobType].bucket,
    callbackToken: 'v1.bench',
    callbackExpiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
}
