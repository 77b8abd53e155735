/**
 * What the app that mounts the storage routes decides about an upload, which the storage package
 * cannot know: whether the object may still change (its task has not finished) and how much its
 * owner may still store. queue-api answers both from Postgres.
 */
import type { ObjectInfo } from '../storage.js';

export interface UploadTarget {
  bucket: string;
  path: string;
}

export interface UploadAdmission {
  /** The owner's quota and the bytes they store besides this object; absent: no quota. */
  quota?: { usedBytes: number; quotaBytes: number };
}

export interface UploadPolicy {
  /** Called before any byte is read; throws (`ObjectLocked`, ...) to refuse the upload. */
  admit(target: UploadTarget): Promise<UploadAdmission>;
  /** Called once the object is stored, with its size, so usage can be counted. */
  stored(info: ObjectInfo): Promise<void>;
}
