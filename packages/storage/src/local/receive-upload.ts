/**
 * A signed PUT upload: the file's bytes streamed into the store, refused before any byte is read
 * when the declared length or content type is wrong, and stopped as soon as the stream passes the
 * size limit.
 */
import { essenceOf, isAllowedContentType } from '../content-type.js';
import { EmptyUpload } from '../errors/empty-upload.js';
import { ObjectTooLarge } from '../errors/object-too-large.js';
import { UnsupportedContentType } from '../errors/unsupported-content-type.js';
import type { ObjectInfo } from '../storage.js';
import type { LocalFileStorage } from './local-file-storage.js';

export interface UploadLimits {
  maxBytes: number;
  allowedContentTypes: readonly string[];
  /** The content type the signed URL was made for, when it was bound to one. */
  boundContentType: string | undefined;
}

export async function receiveUpload(
  storage: LocalFileStorage,
  bucket: string,
  path: string,
  request: Request,
  limits: UploadLimits,
): Promise<ObjectInfo> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!isAllowedContentType(contentType, limits.allowedContentTypes)) {
    throw new UnsupportedContentType(contentType, `allowed: ${limits.allowedContentTypes.join(', ')}`);
  }
  if (limits.boundContentType && essenceOf(limits.boundContentType) !== essenceOf(contentType)) {
    throw new UnsupportedContentType(contentType, `this upload URL is for ${limits.boundContentType}`);
  }
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxBytes) throw new ObjectTooLarge(limits.maxBytes);
  if (!request.body || declared === 0) throw new EmptyUpload();

  return storage.put(bucket, path, request.body, essenceOf(contentType)!, { maxBytes: limits.maxBytes });
}
