/**
 * One valid example per public schema: the docs page shows them and the round-trip tests parse
 * them through both zod and the generated JSON Schema.
 */
const taskId = '6f1c2f5e-8d3b-4c3a-9a53-2f8b1d7e4c10';
const projectId = '0b7e8c2a-3f61-4d2e-8c7a-5b9e1f3d2a44';
const userId = '9a4d6e21-7b3c-4f58-a1e2-c3d4e5f60718';
const at = '2026-11-25T12:00:00.000Z';

const jobRecord = {
  id: taskId,
  jobType: 'sdxl_image_fast',
  status: 'queued',
  progress: 0,
  queue: 'sdxl_queue',
  queuePosition: 1,
  etaSeconds: 5,
  projectId,
  prompt: 'a lighthouse at dusk',
  enhancedPrompt: null,
  outputs: [],
  error: null,
  attempts: 0,
  createdAt: at,
  startedAt: null,
  finishedAt: null,
};

const generation = {
  jobType: 'video_fast',
  prompt: 'waves on a beach',
  negativePrompt: 'blurry',
  seed: 42,
  width: 832,
  height: 480,
  frames: 81,
  fps: 16,
  steps: 25,
  scheduler: 'unipc_flow',
  guidanceScale: 5,
  flowShift: 3,
  numImages: 1,
  enhancePrompt: false,
  referenceImageUrl: null,
};

export const SCHEMA_EXAMPLES: Record<string, unknown> = {
  QueueJobRequest: { jobType: 'sdxl_image_fast', metadata: { prompt: 'a lighthouse at dusk', numImages: 2 } },
  TaskCostResponse: { jobType: 'video_high', credits: 8 },
  JobRecord: jobRecord,
  QueueJobResponse: {
    success: true,
    job: jobRecord,
    message: 'Job queued',
    queueLength: 1,
    modelVariant: 'sdxl_base_1_0',
    debug: { userId, hasPrompt: true, redisConfigured: true, timestamp: at, ignored: [] },
  },
  JobListResponse: { jobs: [jobRecord], nextCursor: null },
  ApiErrorBody: {
    error: { code: 'invalid_request', message: 'metadata.width: too small', field: 'metadata.width' },
  },
  JobCallbackPayload: {
    jobId: taskId,
    status: 'completed',
    attempt: 1,
    workerId: 'gpu-1',
    imageUrls: ['a/b.png'],
  },
  GenerationParams: generation,
  QueueJobData: {
    taskId,
    taskType: 'video_fast',
    userId,
    projectId,
    generation,
    params: {},
    bucket: 'video_fast',
    callbackToken: 'v1.token',
    callbackExpiresAt: 1_790_000_000,
  },
  SingleImageParams: { prompt: 'a red fox', seed: 7, width: 512, height: 512 },
  TravelOrchestratorParams: {
    orchestrator_details: {
      base_prompts_expanded: ['dawn', 'noon', 'dusk'],
      segment_frames_expanded: [17, 17, 17],
      frame_overlap_expanded: [4, 4],
      parsed_resolution_wh: '832x480',
      seed_base: 11,
    },
  },
  TravelSegmentParams: {
    orchestrator_run_id: 'run-1',
    orchestrator_task_id: taskId,
    segment_index: 0,
    prompt: 'dawn',
    frames: 17,
    frame_overlap_with_previous: 0,
    seed: 11,
    width: 832,
    height: 480,
  },
  JobUploadUrlRequest: { jobId: taskId, filename: 'video.mp4', contentType: 'video/mp4' },
  JobDownloadUrlRequest: { jobId: taskId, bucket: 'travel', path: `${userId}/${taskId}/video.mp4` },
  JobStorageUrl: {
    url: `https://api.example/storage/v1/object/sign/travel/${userId}/${taskId}/video.mp4?token=v1.1`,
    bucket: 'travel',
    path: `${userId}/${taskId}/video.mp4`,
    expiresAt: '2026-11-26T04:00:00Z',
    size: 182_345,
    contentType: 'video/mp4',
  },
  TravelJobInputs: {
    kind: 'stitch',
    segmentVideos: [
      { bucket: 'travel', path: `${userId}/${taskId}/video.mp4` },
      { bucket: 'travel', path: `${userId}/${projectId}/video.mp4` },
    ],
    overlaps: [4],
  },
  TravelStitchParams: {
    orchestrator_run_id: 'run-1',
    orchestrator_task_id: taskId,
    segment_task_ids: [taskId],
    frame_overlaps: [],
    fps: 16,
  },
  CreateTaskRequest: {
    params: { prompt: 'a red fox' },
    task_type: 'single_image',
    project_id: projectId,
    dependant_on: taskId,
  },
  CreateTaskResponse: { task_id: taskId, status: 'Task queued' },
  ClaimNextTaskRequest: { worker_id: 'gpu-worker-1', run_type: 'gpu' },
  ClaimedTask: {
    task_id: taskId,
    params: { prompt: 'a red fox' },
    task_type: 'single_image',
    project_id: projectId,
  },
  CompleteTaskRequest: { task_id: taskId, file_data: 'aGVsbG8=', filename: 'out.png' },
  CompleteTaskResponse: {
    success: true,
    public_url: 'http://localhost/storage/out.png',
    thumbnail_url: null,
    message: 'Task completed',
  },
  UpdateTaskStatusRequest: { task_id: taskId, status: 'Failed', output_location: 'CUDA out of memory' },
  TaskCountsRequest: { run_type: 'gpu', include_active: true },
  UpdateTaskStatusResponse: {
    success: true,
    task_id: taskId,
    status: 'Failed',
    message: "Task status updated to 'Failed'",
  },
  TaskCountsResponse: {
    totals: {
      queued: 3,
      in_progress: 1,
      queued_only: 2,
      eligible_queued: 2,
      active_only: 1,
      queued_plus_active: 4,
      blocked_by_deps: 1,
    },
  },
  GenerateUploadUrlRequest: { task_id: taskId, filename: 'segment.mp4', content_type: 'video/mp4' },
  GenerateUploadUrlResponse: {
    upload_url: 'http://localhost/upload?sig=1',
    storage_path: `${userId}/segment.mp4`,
  },
  PredecessorOutputRequest: { task_id: taskId },
  PredecessorOutputResponse: { predecessor_id: taskId, output_location: 'http://localhost/a.mp4' },
  CompletedSegmentsRequest: { run_id: 'run-1' },
  CompletedSegmentsResponse: [{ segment_index: 0, output_location: 'http://localhost/a.mp4' }],
};
