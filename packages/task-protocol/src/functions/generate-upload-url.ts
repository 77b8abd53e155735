/**
 * POST /functions/v1/generate-upload-url `{ task_id, filename, content_type,
 * generate_thumbnail_url? }` → signed PUT URLs under `<userId>/tasks/<taskId>/` for files too
 * big for base64. The worker PUTs the bytes with that Content-Type, then completes the task with
 * `{ task_id, storage_path, thumbnail_storage_path? }`.
 */
import { randomBytes } from 'node:crypto';
import type { AuthEnv } from '@gpuq/auth';
import { HttpError, parseJsonBody } from '@gpuq/http';
import {
  GenerateUploadUrlRequest,
  type GenerateUploadUrlResponse,
  isTaskFinished,
  taskOutputSpec,
} from '@gpuq/job-types';
import {
  assertFileName,
  InvalidStoragePath,
  isStorableMediaType,
  ownerPath,
  STORABLE_MEDIA_TYPES_TEXT,
} from '@gpuq/storage';
import type { Hono } from 'hono';
import { callerScope, taskInScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export function generateUploadUrlRoute(app: Hono<AuthEnv>, ctx: RouteContext): void {
  app.post('/generate-upload-url', async (c) => {
    const scope = callerScope(c);
    const body = await parseJsonBody(c, GenerateUploadUrlRequest);
    const task = await taskInScope(ctx.db, scope, body.task_id);
    if (isTaskFinished(task.status)) {
      throw new HttpError(409, 'conflict', `task ${task.id} is already ${task.status}`);
    }
    if (!isStorableMediaType(body.content_type)) {
      throw new HttpError(
        415,
        'invalid_request',
        `content_type: ${body.content_type.slice(0, 100)} is not a stored media type (allowed: ${STORABLE_MEDIA_TYPES_TEXT})`,
        { field: 'content_type' },
      );
    }
    const bucket = taskOutputSpec(task.taskType).bucket;
    const ttl = ctx.settings.uploadUrlTtlSeconds;
    const upload = await signedUploadOrRefusal(() =>
      ctx.storage.signedUploadUrl(
        bucket,
        ownerPath(task.userId, 'tasks', task.id, assertFileName(body.filename)),
        ttl,
        {
          contentType: body.content_type,
        },
      ),
    );
    const answer: GenerateUploadUrlResponse = { upload_url: upload.url, storage_path: upload.path };
    if (body.generate_thumbnail_url) {
      const name = `thumb_${Date.now()}_${randomBytes(3).toString('hex')}.jpg`;
      const thumb = await ctx.storage.signedUploadUrl(
        bucket,
        ownerPath(task.userId, 'tasks', task.id, 'thumbnails', name),
        ttl,
        { contentType: 'image/jpeg' },
      );
      answer.thumbnail_upload_url = thumb.url;
      answer.thumbnail_storage_path = thumb.path;
    }
    return c.json(answer);
  });
}

/** The storage path rules (characters, dots, reserved names) are the filename's rules: 400 naming it. */
async function signedUploadOrRefusal<T>(sign: () => Promise<T>): Promise<T> {
  try {
    return await sign();
  } catch (error) {
    if (error instanceof InvalidStoragePath) {
      throw new HttpError(400, 'invalid_request', `filename: ${error.message}`, {
        field: 'filename',
        cause: error,
      });
    }
    throw error;
  }
}
