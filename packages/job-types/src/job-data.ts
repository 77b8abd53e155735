/**
 * The data of one BullMQ job: ids and parameters only. The one secret is the job's own callback
 * credential, which can sign callbacks for this job and nothing else.
 */
import { z } from 'zod';
import { GenerationParams } from './generation-params.js';
import { TaskType } from './job-type.js';

export const QueueJobData = z
  .object({
    taskId: z.uuid(),
    taskType: TaskType,
    userId: z.uuid(),
    projectId: z.uuid(),
    /** Resolved parameters for the ten queue-job types; protocol tasks carry their raw params. */
    generation: GenerationParams.nullable(),
    params: z.record(z.string(), z.unknown()),
    bucket: z.string(),
    callbackToken: z.string().min(1),
    /** Unix seconds after which the callback credential is refused. */
    callbackExpiresAt: z.number().int().positive(),
    /** The worker running it, set by the worker when it claims (shown in Bull Board). */
    workerId: z.string().optional(),
  })
  .meta({ id: 'QueueJobData' });
export type QueueJobData = z.infer<typeof QueueJobData>;
