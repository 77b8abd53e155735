/** The public view of one job (`GET /v1/jobs/:id`, queue-job's answer, the event stream). */
import { z } from 'zod';
import { QueueName } from './model-family.js';
import { JobStatus } from './status.js';
import { TaskTypeName } from './task-type-record.js';

export const JobOutput = z.object({ kind: z.enum(['image', 'video', 'poster']), url: z.string() });
export type JobOutput = z.infer<typeof JobOutput>;

const Timestamp = z.iso.datetime({ offset: true });

export const JobRecord = z
  .object({
    id: z.uuid(),
    /** A queue-job or built-in task type, or one registered in the task_types table. */
    jobType: TaskTypeName,
    status: JobStatus,
    /** 0..1 while processing; 1 once completed. */
    progress: z.number().min(0).max(1),
    /** Our BullMQ queue that runs it; null for a registered type, which pull-workers claim. */
    queue: QueueName.nullable(),
    /** 1-based place among waiting jobs of its queue; null once it has left the wait list. */
    queuePosition: z.number().int().positive().nullable(),
    etaSeconds: z.number().nonnegative().nullable(),
    projectId: z.uuid(),
    prompt: z.string().nullable(),
    enhancedPrompt: z.string().nullable(),
    outputs: z.array(JobOutput),
    error: z.string().nullable(),
    attempts: z.number().int().nonnegative(),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
  })
  .meta({ id: 'JobRecord' });
export type JobRecord = z.infer<typeof JobRecord>;

export const QueueJobResponse = z
  .object({
    success: z.literal(true),
    job: JobRecord,
    message: z.string(),
    queueLength: z.number().int().nonnegative(),
    modelVariant: z.string(),
    debug: z.object({
      userId: z.uuid(),
      hasPrompt: z.boolean(),
      redisConfigured: z.boolean(),
      timestamp: Timestamp,
      /** Request keys that were accepted but decided by the server instead. */
      ignored: z.array(z.string()),
    }),
  })
  .meta({ id: 'QueueJobResponse' });
export type QueueJobResponse = z.infer<typeof QueueJobResponse>;

export const JobListResponse = z
  .object({ jobs: z.array(JobRecord), nextCursor: z.string().nullable() })
  .meta({ id: 'JobListResponse' });
export type JobListResponse = z.infer<typeof JobListResponse>;
