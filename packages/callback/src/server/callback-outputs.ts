/**
 * What a `completed` callback reports, turned into stored outputs: every path normalised to the
 * owner's `<userId>/...` prefix in the task's bucket (a path outside it is refused), of the task
 * type's output kind. public.apply_job_callback files them as image or video rows.
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

function normalise(
  task: TaskOwner,
  bucket: string,
  reported: string,
  field: string,
  options: OutputOptions,
): string {
  try {
    return parseStorageLocation(reported, {
      userId: task.userId,
      bucket,
      storageBaseUrls: [...options.storageBaseUrls],
    }).path;
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
): StoredOutput[] {
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
  const outputs: StoredOutput[] = reported.map(([path, field]) => ({
    kind: spec.output,
    bucket: spec.bucket,
    path: normalise(task, spec.bucket, path, field, options),
  }));
  if (payload.posterPath && spec.output === 'video') {
    outputs.push({
      kind: 'poster',
      bucket: spec.bucket,
      path: normalise(task, spec.bucket, payload.posterPath, 'posterPath', options),
    });
  }
  return outputs;
}
