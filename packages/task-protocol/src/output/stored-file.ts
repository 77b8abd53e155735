/**
 * Files a worker hands in inline (complete-task's base64 mode): size and type checked, then
 * written under the owner's prefix, `<userId>/tasks/<taskId>/<filename>` (thumbnails in
 * `thumbnails/`), the paths generate-upload-url hands out too.
 */
import type { StoredOutput, Task } from '@gpuq/db';
import {
  guessContentType,
  isStorableMediaType,
  ownerPath,
  type Storage,
  sameMediaKind,
  sniffMediaType,
} from '@gpuq/storage';
import { OutputRejectedError } from '../errors/output-rejected-error.js';
import type { ResolvedSettings } from '../settings.js';

export interface InlineFile {
  base64: string;
  filename: string;
  /** The request field, for error messages. */
  field: string;
}

// base64 carries 3 bytes per 4 characters: the decoded size is known before decoding.
function decodedSize(base64: string): number {
  const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
  return Math.floor((base64.length * 3) / 4) - padding;
}

/** Decodes and checks an inline file; nothing is written. */
export async function checkInlineFile(
  file: InlineFile,
  settings: ResolvedSettings,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  const size = decodedSize(file.base64);
  if (size > settings.uploadBase64MaxBytes) {
    throw new OutputRejectedError(
      413,
      file.field,
      `${size} bytes is more than the ${settings.uploadBase64MaxBytes} bytes taken inline; use generate-upload-url`,
    );
  }
  if (size === 0) throw new OutputRejectedError(400, file.field, 'the file is empty');
  const contentType = guessContentType(file.filename);
  if (!isStorableMediaType(contentType)) {
    throw new OutputRejectedError(415, file.field, `${file.filename} is not an accepted image or video type`);
  }
  const bytes = new Uint8Array(Buffer.from(file.base64, 'base64'));
  const sniffed = await sniffMediaType(bytes);
  if (!sniffed || !sameMediaKind(sniffed, contentType)) {
    throw new OutputRejectedError(
      415,
      file.field,
      `the content is ${sniffed ?? 'not a known image or video'}, not the ${contentType} its name says`,
    );
  }
  return { bytes, contentType };
}

export async function storeInlineFile(
  storage: Storage,
  task: Task,
  bucket: string,
  file: { bytes: Uint8Array; contentType: string; filename: string },
  folder: readonly string[] = [],
): Promise<StoredOutput & { contentType: string }> {
  const path = ownerPath(task.userId, 'tasks', task.id, ...folder, file.filename);
  await storage.put(bucket, path, file.bytes, file.contentType);
  const kind = file.contentType.startsWith('video/') ? 'video' : 'image';
  return { kind, bucket, path, contentType: file.contentType };
}
