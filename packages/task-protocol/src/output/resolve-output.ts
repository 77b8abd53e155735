/**
 * The three ways a worker hands in a result (complete-task), turned into what the task records:
 * - inline base64 (`file_data`): checked and stored under the owner's prefix;
 * - `storage_path`: a file already in storage, uploaded through generate-upload-url
 *   (`<userId>/tasks/<taskId>/...`, which must be this task's folder unless the task is an
 *   orchestrator) or any other object of the owner (the "reference" mode); it must exist;
 * - `output_location`: a URL of this system's storage (read back as a path) or an external
 *   http(s) URL, recorded as given.
 */
import type { StoredOutput, Task } from '@gpuq/db';
import { type CompleteTaskRequest, taskOutputSpec } from '@gpuq/job-types';
import {
  InvalidStoragePath,
  isStorableMediaType,
  parseStorageLocation,
  type Storage,
  StorageObjectNotFound,
} from '@gpuq/storage';
import { OutputRejectedError } from '../errors/output-rejected-error.js';
import type { ResolvedSettings } from '../settings.js';
import { outputUrl } from './output-url.js';
import { checkInlineFile, storeInlineFile } from './stored-file.js';

export interface ResolvedOutput {
  /** Where the files live (empty for an external URL). */
  outputs: StoredOutput[];
  outputLocation: string;
  thumbnailUrl: string | null;
}

interface Context {
  storage: Storage;
  settings: ResolvedSettings;
}

export async function resolveOutput(
  ctx: Context,
  task: Task,
  body: CompleteTaskRequest,
): Promise<ResolvedOutput> {
  const bucket = taskOutputSpec(task.taskType).bucket;
  if ('file_data' in body && typeof body.file_data === 'string') {
    const filename = body.filename as string;
    const main = await checkInlineFile(
      { base64: body.file_data, filename, field: 'file_data' },
      ctx.settings,
    );
    const thumb =
      typeof body.first_frame_data === 'string' && typeof body.first_frame_filename === 'string'
        ? await checkInlineFile(
            { base64: body.first_frame_data, filename: body.first_frame_filename, field: 'first_frame_data' },
            ctx.settings,
          )
        : null;
    const stored = await storeInlineFile(ctx.storage, task, bucket, { ...main, filename });
    const outputs: StoredOutput[] = [{ kind: stored.kind, bucket, path: stored.path }];
    if (thumb && typeof body.first_frame_filename === 'string') {
      const poster = await storeInlineFile(
        ctx.storage,
        task,
        bucket,
        { ...thumb, filename: body.first_frame_filename },
        ['thumbnails'],
      );
      outputs.push({ kind: 'poster', bucket, path: poster.path });
    }
    return present(ctx, outputs);
  }
  if ('storage_path' in body && typeof body.storage_path === 'string') {
    const main = await existingObject(ctx, task, bucket, body.storage_path, 'storage_path');
    const outputs = [main];
    if (typeof body.thumbnail_storage_path === 'string') {
      const thumb = await existingObject(
        ctx,
        task,
        bucket,
        body.thumbnail_storage_path,
        'thumbnail_storage_path',
      );
      outputs.push({ ...thumb, kind: 'poster' });
    }
    return present(ctx, outputs);
  }
  const location = (body as { output_location: string }).output_location;
  if (isForeignUrl(location, task, bucket, ctx.settings)) {
    if (!/^https?:\/\//i.test(location)) {
      throw new OutputRejectedError(400, 'output_location', 'must be an http(s) URL or a storage path');
    }
    return { outputs: [], outputLocation: location, thumbnailUrl: null };
  }
  return present(ctx, [await existingObject(ctx, task, bucket, location, 'output_location')]);
}

async function present(ctx: Context, outputs: StoredOutput[]): Promise<ResolvedOutput> {
  const main = outputs[0]!;
  const poster = outputs.find((output) => output.kind === 'poster');
  const outputLocation = await outputUrl(ctx.storage, ctx.settings, main.bucket, main.path);
  // An image is its own thumbnail (the seed answered the image URL when it had no smaller one).
  const thumbnailUrl = poster
    ? await outputUrl(ctx.storage, ctx.settings, poster.bucket, poster.path)
    : main.kind === 'image'
      ? outputLocation
      : null;
  return { outputs, outputLocation, thumbnailUrl };
}

function isForeignUrl(location: string, task: Task, bucket: string, settings: ResolvedSettings): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return false;
  try {
    parseStorageLocation(location, {
      userId: task.userId,
      bucket,
      storageBaseUrls: settings.storageBaseUrls,
    });
    return false;
  } catch (error) {
    if (error instanceof InvalidStoragePath && error.reason === 'foreign_url') return true;
    return false;
  }
}

async function existingObject(
  ctx: Context,
  task: Task,
  bucket: string,
  reported: string,
  field: string,
): Promise<StoredOutput> {
  let path: string;
  try {
    path = parseStorageLocation(reported, {
      userId: task.userId,
      bucket,
      storageBaseUrls: ctx.settings.storageBaseUrls,
    }).path;
  } catch (error) {
    if (!(error instanceof InvalidStoragePath)) throw error;
    const status = error.reason === 'foreign_owner' ? 403 : 400;
    throw new OutputRejectedError(status, field, error.message, { cause: error });
  }
  const [, folder, pathTaskId] = path.split('/');
  if (folder === 'tasks' && pathTaskId !== task.id && task.taskType !== 'travel_orchestrator') {
    throw new OutputRejectedError(
      403,
      field,
      'was uploaded for another task; only an orchestrator may reference it',
    );
  }
  try {
    const info = await ctx.storage.stat(bucket, path);
    if (!isStorableMediaType(info.contentType)) {
      throw new OutputRejectedError(
        415,
        field,
        `is ${info.contentType}, not an accepted image or video type`,
      );
    }
    return { kind: info.contentType.startsWith('video/') ? 'video' : 'image', bucket, path };
  } catch (error) {
    if (error instanceof StorageObjectNotFound) {
      throw new OutputRejectedError(404, field, `${bucket}/${path} does not exist in storage`, {
        cause: error,
      });
    }
    throw error;
  }
}
