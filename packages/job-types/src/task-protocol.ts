/**
 * The edge-function task protocol of the Headless pull-worker (packages/task-protocol): request and
 * response bodies as that worker sends and expects them, snake_case included. Bodies are lenient
 * objects: the worker's newer releases add fields we pass over.
 */
import { z } from 'zod';
import { RunType } from './job-type.js';
import { TaskStatus } from './status.js';
import { TaskTypeName } from './task-type-record.js';

const TaskId = z.uuid();
/**
 * One id, an array of ids, or null (the Headless worker sends `"dependant_on": null` when a task
 * has none), always handled as an array.
 */
const DependantOn = z
  .union([TaskId, z.array(TaskId).max(100), z.null()])
  .transform((value) => (value === null ? [] : Array.isArray(value) ? value : [value]));

export const CreateTaskRequest = z
  .looseObject({
    task_id: TaskId.optional(),
    params: z.record(z.string(), z.unknown()),
    /** A built-in type or one registered in the task_types table (checked at create). */
    task_type: TaskTypeName,
    project_id: z.uuid(),
    dependant_on: DependantOn.optional(),
  })
  .meta({ id: 'CreateTaskRequest' });
export type CreateTaskRequest = z.infer<typeof CreateTaskRequest>;

/** Reigh's create-task answer; `status` is the seed's text answer. */
export const CreateTaskResponse = z
  .object({ task_id: TaskId, status: z.literal('Task queued') })
  .meta({ id: 'CreateTaskResponse' });
export type CreateTaskResponse = z.infer<typeof CreateTaskResponse>;

export const ClaimNextTaskRequest = z
  .looseObject({ worker_id: z.string().min(1).max(200).optional(), run_type: RunType.optional() })
  .meta({ id: 'ClaimNextTaskRequest' });
export type ClaimNextTaskRequest = z.infer<typeof ClaimNextTaskRequest>;

export const ClaimedTask = z
  .object({
    task_id: TaskId,
    params: z.record(z.string(), z.unknown()),
    task_type: TaskTypeName,
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

/**
 * The worker completing, when it says so (the Headless worker does not): a completion naming a
 * worker other than the one holding the claim is refused (409 naming the holder).
 */
const CompletingWorker = z.string().min(1).max(200).optional();

/** Three ways to hand in a result: inline file, a path uploaded earlier, or an external URL. */
export const CompleteTaskWithFile = z
  .looseObject({
    task_id: TaskId,
    worker_id: CompletingWorker,
    file_data: Base64,
    filename: Filename,
    /** A video's first frame, stored as its thumbnail. */
    first_frame_data: Base64.optional(),
    first_frame_filename: Filename.optional(),
  })
  .refine((body) => (body.first_frame_data === undefined) === (body.first_frame_filename === undefined), {
    message: 'first_frame_data and first_frame_filename come together',
    path: ['first_frame_filename'],
  });
/**
 * A file already in storage: `<userId>/tasks/<taskId>/<file>` uploaded through
 * generate-upload-url, or (the "reference" mode) any other object of the owner, e.g. an
 * orchestrator pointing at its last segment's output.
 */
export const CompleteTaskWithStoragePath = z.looseObject({
  task_id: TaskId,
  worker_id: CompletingWorker,
  storage_path: z.string().min(1).max(1024),
  thumbnail_storage_path: z.string().min(1).max(1024).optional(),
});
export const CompleteTaskWithLocation = z.looseObject({
  task_id: TaskId,
  worker_id: CompletingWorker,
  output_location: z.string().min(1).max(4096),
});

export const CompleteTaskRequest = z
  .union([CompleteTaskWithFile, CompleteTaskWithStoragePath, CompleteTaskWithLocation])
  .meta({ id: 'CompleteTaskRequest' });
export type CompleteTaskRequest = z.infer<typeof CompleteTaskRequest>;

export const CompleteTaskResponse = z
  .object({
    success: z.boolean(),
    public_url: z.string().nullable(),
    /** The stored first frame (videos) or the image itself; null when there is none. */
    thumbnail_url: z.string().nullable(),
    message: z.string(),
  })
  .meta({ id: 'CompleteTaskResponse' });
export type CompleteTaskResponse = z.infer<typeof CompleteTaskResponse>;

export const UpdateTaskStatusRequest = z
  .looseObject({
    task_id: TaskId,
    status: TaskStatus,
    /** For `Failed` the worker puts its error message here. */
    output_location: z.string().max(4096).optional(),
    thumbnail_url: z.string().max(4096).optional(),
    /** Sent with In Progress once the model is loaded: billing time starts now. */
    reset_generation_started_at: z.boolean().optional(),
  })
  .meta({ id: 'UpdateTaskStatusRequest' });
export type UpdateTaskStatusRequest = z.infer<typeof UpdateTaskStatusRequest>;

export const UpdateTaskStatusResponse = z
  .object({ success: z.boolean(), task_id: TaskId, status: TaskStatus, message: z.string() })
  .meta({ id: 'UpdateTaskStatusResponse' });
export type UpdateTaskStatusResponse = z.infer<typeof UpdateTaskStatusResponse>;

export const TaskCountsRequest = z
  .looseObject({ run_type: RunType.optional(), include_active: z.boolean().optional() })
  .meta({ id: 'TaskCountsRequest' });
export type TaskCountsRequest = z.infer<typeof TaskCountsRequest>;

const Count = z.number().int().nonnegative();

/**
 * `queued` / `in_progress`, the protocol's own names, and the names the current Headless worker
 * reads: it skips claiming when `queued_only` (tasks claimable now) is 0.
 */
export const TaskCountsResponse = z
  .object({
    totals: z.object({
      queued: Count,
      in_progress: Count,
      queued_only: Count,
      eligible_queued: Count,
      active_only: Count,
      queued_plus_active: Count,
      blocked_by_deps: Count,
    }),
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

/**
 * A run_id is chosen by the client, so it alone names no one's travel: a user's call is scoped to
 * the user, the service role's must also name the orchestrator task or the project.
 */
export const CompletedSegmentsRequest = z
  .looseObject({
    run_id: z.string().min(1).max(200).optional(),
    project_id: z.uuid().optional(),
    orchestrator_task_id: z.uuid().optional(),
    /** The seed's name for orchestrator_task_id. */
    orchestrator_id: z.uuid().optional(),
  })
  .refine(
    (body) =>
      body.run_id !== undefined ||
      body.orchestrator_task_id !== undefined ||
      body.orchestrator_id !== undefined,
    {
      message: 'run_id or orchestrator_task_id (orchestrator_id) is required',
      path: ['run_id'],
    },
  )
  .meta({ id: 'CompletedSegmentsRequest' });
export const CompletedSegmentsResponse = z
  .array(z.object({ segment_index: z.number().int().nonnegative(), output_location: z.string() }))
  .meta({ id: 'CompletedSegmentsResponse' });
export type CompletedSegmentsResponse = z.infer<typeof CompletedSegmentsResponse>;
