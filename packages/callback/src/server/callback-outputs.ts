/**
 * What a `completed` callback reports, turned into stored outputs: every path normalised to the
 * owner's `<userId>/...` prefix in the task's bucket (a path outside it is refused), then filed as
 * image or video rows by the task type's output kind.
 */
import { type Queryable, recordImage, recordVideo, type StoredOutput, type Task } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import { type JobCallbackPayload, type TaskType, taskSpec } from '@gpuq/job-types';
import { InvalidStoragePath, parseStorageLocation } from '@gpuq/storage';

export interface OutputOptions {
  /** Base URLs of this system's storage, so reported URLs can be read back as paths. */
  storageBaseUrls: readonly string[];
}

function normalise(
  task: Task,
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
  task: Task,
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

function numberParam(task: Task, name: string): number | null {
  const value = task.params[name];
  return typeof value === 'number' ? value : null;
}

/** Files the outputs as asset rows linked to the task (and its generation, once it exists). */
export async function recordOutputs(
  tx: Queryable,
  task: Task,
  outputs: readonly StoredOutput[],
  enhancedPrompt: string | null,
): Promise<void> {
  const prompt = typeof task.params.prompt === 'string' ? task.params.prompt : null;
  const common = {
    taskId: task.id,
    prompt,
    enhancedPrompt,
    width: numberParam(task, 'width'),
    height: numberParam(task, 'height'),
    seed: numberParam(task, 'seed'),
  };
  const poster = outputs.find((output) => output.kind === 'poster');
  for (const output of outputs) {
    if (output.kind === 'image') await recordImage(tx, { ...common, storagePath: output.path });
    if (output.kind === 'video') {
      await recordVideo(tx, {
        ...common,
        storagePath: output.path,
        posterUrl: poster?.path ?? null,
        frames: numberParam(task, 'frames'),
        fps: numberParam(task, 'fps'),
      });
    }
  }
}
