/**
 * A signed PUT upload: the file's bytes streamed into the store (never held in memory), refused
 * before any byte is read when the declared length, the content type, the object's state or the
 * owner's quota say no, refused after the first bytes when they are not the declared type, and
 * stopped as soon as the stream passes the object's size limit or the owner's quota.
 */
import { essenceOf, STORABLE_MEDIA_TYPES_TEXT, storableMediaType } from '../content-type.js';
import { EmptyUpload } from '../errors/empty-upload.js';
import { ObjectTooLarge } from '../errors/object-too-large.js';
import { StorageQuotaExceeded } from '../errors/storage-quota-exceeded.js';
import { UnsupportedContentType } from '../errors/unsupported-content-type.js';
import { checkedMediaBody } from '../media/checked-media-body.js';
import type { ObjectInfo } from '../storage.js';
import type { LocalFileStorage } from './local-file-storage.js';
import type { UploadPolicy } from './upload-policy.js';

export interface UploadLimits {
  /** Largest object, in bytes. */
  maxBytes: number;
  /** The content type the signed URL was made for, when it was bound to one. */
  boundContentType: string | undefined;
  policy?: UploadPolicy;
}

export async function receiveUpload(
  storage: LocalFileStorage,
  bucket: string,
  path: string,
  request: Request,
  limits: UploadLimits,
): Promise<ObjectInfo> {
  const declaredType = request.headers.get('content-type') ?? '';
  const contentType = storableMediaType(declaredType);
  if (!contentType) {
    throw new UnsupportedContentType(declaredType, `allowed: ${STORABLE_MEDIA_TYPES_TEXT}`);
  }
  if (limits.boundContentType && essenceOf(limits.boundContentType) !== contentType) {
    throw new UnsupportedContentType(declaredType, `this upload URL is for ${limits.boundContentType}`);
  }
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limits.maxBytes) throw new ObjectTooLarge(limits.maxBytes);
  if (!request.body || declared === 0) throw new EmptyUpload();

  const { quota } = (await limits.policy?.admit({ bucket, path })) ?? {};
  const quotaLeft = quota ? Math.max(0, quota.quotaBytes - quota.usedBytes) : Number.POSITIVE_INFINITY;
  const overQuota = () => new StorageQuotaExceeded(quota?.usedBytes ?? 0, quota?.quotaBytes ?? 0);
  if (declared > quotaLeft || quotaLeft === 0) throw overQuota();

  const body = await checkedMediaBody(request.body, contentType);
  const maxBytes = Math.min(limits.maxBytes, quotaLeft);
  const info = await storage.put(bucket, path, body, contentType, { maxBytes }).catch((error: unknown) => {
    throw error instanceof ObjectTooLarge && maxBytes < limits.maxBytes ? overQuota() : error;
  });
  await limits.policy?.stored(info);
  return info;
}
