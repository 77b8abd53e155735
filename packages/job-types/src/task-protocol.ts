/**
 * The edge-function task protocol of the Headless pull-worker (DESIGN.md section 5): request and
 * response bodies as that worker sends and expects them, snake_case included. Bodies are lenient
 * objects: the worker's newer releases add fields we pass over.
 */
import { z } from 'zod';
import { ProtocolTaskType, RunType } from './job-type.js';
import { TaskStatus } from './status.js';

const TaskId = z.uuid();
/** One id or an array of ids, always handled as an array. */
const DependantOn = z
  .union([TaskId, z.array(TaskId).max(100)])
  .transform((value) => (Array.isArray(value) ? value : [value]));

export const CreateTaskRequest = z
  .looseObject({
    task_id: TaskId.optional(),
    params: z.record(z.string(), z.unknown()),
    task_type: ProtocolTaskType,
    project_id: z.uuid(),
    dependant_on: DependantOn.optional(),
  })
  .meta({ id: 'CreateTaskRequest' });
export type CreateTaskRequest = z.infer<typeof CreateTaskRequest>;

export const ClaimNextTaskRequest = z
  .looseObject({ worker_id: z.string().min(1).max(200).optional(), run_type: RunType.optional() })
  .meta({ id: 'ClaimNextTaskRequest' });
export type ClaimNextTaskRequest = z.infer<typeof ClaimNextTaskRequest>;

export const ClaimedTask = z
  .object({
    task_id: TaskId,
    params: z.record(z.string(), z.unknown()),
    task_type: ProtocolTaskType,
    project_id: z.uuid(),
  })
  .meta({ id: 'ClaimedTask' });
export type ClaimedTask = z.infer<typeof ClaimedTask>;

const Base64 = z.base64();
const Filename = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\]+$/, 'must be a file name without folders');

/** Three ways to hand in a result: inline file, a path uploaded earlier, or an external URL. */
export const CompleteTaskWithFile = z.looseObject({
  task_id: TaskId,
  file_data: Base64,
  filename: Filename,
  first_frame_data: Base64.optional(),
  first_frame_filename: Filename.optional(),
});
export const CompleteTaskWithStoragePath = z.looseObject({
  task_id: TaskId,
  storage_path: z.string().min(1).max(1024),
  thumbnail_storage_path: z.string().min(1).max(1024).optional(),
});
export const CompleteTaskWithLocation = z.looseObject({
  task_id: TaskId,
  output_location: z.string().min(1).max(4096),
});

export const CompleteTaskRequest = z
  .union([CompleteTaskWithFile, CompleteTaskWithStoragePath, CompleteTaskWithLocation])
  .meta({ id: 'CompleteTaskRequest' });
export type CompleteTaskRequest = z.infer<typeof CompleteTaskRequest>;

export const CompleteTaskResponse = z
  .object({ success: z.boolean(), public_url: z.string().nullable(), message: z.string() })
  .meta({ id: 'CompleteTaskResponse' });
export type CompleteTaskResponse = z.infer<typeof CompleteTaskResponse>;

export const UpdateTaskStatusRequest = z
  .looseObject({
    task_id: TaskId,
    status: TaskStatus,
    /** For `Failed` the worker puts its error message here. */
    output_location: z.string().max(4096).optional(),
    thumbnail_url: z.string().max(4096).optional(),
  })
  .meta({ id: 'UpdateTaskStatusRequest' });
export type UpdateTaskStatusRequest = z.infer<typeof UpdateTaskStatusRequest>;

export const TaskCountsRequest = z
  .looseObject({ run_type: RunType.optional(), include_active: z.boolean().optional() })
  .meta({ id: 'TaskCountsRequest' });
export type TaskCountsRequest = z.infer<typeof TaskCountsRequest>;

export const TaskCountsResponse = z
  .object({
    totals: z.object({ queued: z.number().int().nonnegative(), in_progress: z.number().int().nonnegative() }),
  })
  .meta({ id: 'TaskCountsResponse' });
export type TaskCountsResponse = z.infer<typeof TaskCountsResponse>;

export const GenerateUploadUrlRequest = z
  .looseObject({
    task_id: TaskId,
    filename: Filename,
    content_type: z.string().min(1).max(200),
    generate_thumbnail_url: z.boolean().optional(),
  })
  .meta({ id: 'GenerateUploadUrlRequest' });
export type GenerateUploadUrlRequest = z.infer<typeof GenerateUploadUrlRequest>;

export const GenerateUploadUrlResponse = z
  .object({
    upload_url: z.string(),
    storage_path: z.string(),
    thumbnail_upload_url: z.string().optional(),
    thumbnail_storage_path: z.string().optional(),
  })
  .meta({ id: 'GenerateUploadUrlResponse' });
export type GenerateUploadUrlResponse = z.infer<typeof GenerateUploadUrlResponse>;

export const PredecessorOutputRequest = z
  .looseObject({ task_id: TaskId })
  .meta({ id: 'PredecessorOutputRequest' });
export const PredecessorOutputResponse = z
  .object({ predecessor_id: TaskId.nullable(), output_location: z.string().nullable() })
  .meta({ id: 'PredecessorOutputResponse' });
export type PredecessorOutputResponse = z.infer<typeof PredecessorOutputResponse>;

export const CompletedSegmentsRequest = z
  .looseObject({ run_id: z.string().min(1).max(200), project_id: z.uuid().optional() })
  .meta({ id: 'CompletedSegmentsRequest' });
export const CompletedSegmentsResponse = z
  .array(z.object({ segment_index: z.number().int().nonnegative(), output_location: z.string() }))
  .meta({ id: 'CompletedSegmentsResponse' });
export type CompletedSegmentsResponse = z.infer<typeof CompletedSegmentsResponse>;
