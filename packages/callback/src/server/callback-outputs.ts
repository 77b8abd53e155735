/**
 * What a `completed` callback reports, turned into stored outputs: every path normalised to the
 * owner's `<userId>/...` prefix in the task's bucket and required inside the job's own
 * `<userId>/<taskId>/` folder (where workers stage their files; anything else is refused), of the
 * task type's output kind. public.apply_job_callback files them as image or video rows.
 */
import type { StoredOutput } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import { type JobCallbackPayload, type TaskType, taskSpec } from '@gpuq/job-types';
import { InvalidStoragePath, parseStorageLocation } from '@gpuq/storage';
import type { TaskOwner } from './task-owner-cache.js';

export interface OutputOptions {
  /** Base URLs of this system's storage, so reported URLs can be read back as paths. */
  storageBaseUrls: readonly string[];
}

/** One reported output and the payload field that named it (for errors). */
export interface ReportedOutput {
  output: StoredOutput;
  field: string;
}

function normalise(
  task: TaskOwner,
  taskId: string,
  bucket: string,
  reported: string,
  field: string,
  options: OutputOptions,
): string {
  try {
    const { path } = parseStorageLocation(reported, {
      userId: task.userId,
      bucket,
      storageBaseUrls: [...options.storageBaseUrls],
    });
    const [, folder, name, ...deeper] = path.split('/');
    if (folder !== taskId || !name || deeper.length > 0) {
      throw new InvalidStoragePath(
        path,
        'foreign_owner',
        `is not a file in the job's folder <userId>/${taskId}/`,
      );
    }
    return path;
  } catch (error) {
    if (error instanceof InvalidStoragePath) {
      throw new HttpError(400, 'invalid_request', `${field}: ${error.message}`, { field, cause: error });
    }
    throw error;
  }
}

/** The outputs a completed callback names, in the order a user sees them. */
export function reportedOutputs(
  task: TaskOwner,
  payload: JobCallbackPayload,
  options: OutputOptions,
): ReportedOutput[] {
  const spec = taskSpec(task.taskType as TaskType);
  const reported: Array<[string, string]> = [];
  for (const [index, url] of (payload.imageUrls ?? []).entries()) reported.push([url, `imageUrls.${index}`]);
  if (reported.length === 0 && payload.outputUrl) reported.push([payload.outputUrl, 'outputUrl']);
  if (reported.length === 0 && payload.filePath) reported.push([payload.filePath, 'filePath']);
  if (reported.length === 0) {
    throw new HttpError(400, 'invalid_request', 'completed needs filePath, outputUrl or imageUrls', {
      field: 'status',
    });
  }
  const outputs: ReportedOutput[] = reported.map(([path, field]) => ({
    output: {
      kind: spec.output,
      bucket: spec.bucket,
      path: normalise(task, payload.jobId, spec.bucket, path, field, options),
    },
    field,
  }));
  if (payload.posterPath && spec.output === 'video') {
    const path = normalise(task, payload.jobId, spec.bucket, payload.posterPath, 'posterPath', options);
    outputs.push({ output: { kind: 'poster', bucket: spec.bucket, path }, field: 'posterPath' });
  }
  return outputs;
}
