/**
 * What queue-api decides about each signed upload before its bytes are read:
 * - an object in the folder of a finished task (Complete, Failed, Cancelled) stays as it is: an
 *   upload URL handed out while the task ran does not let anyone replace its outputs afterwards;
 * - the owner's storage quota: bytes of the owner's other stored objects (storage_objects) plus
 *   this one may not pass it. Uploads run in parallel can overshoot it by at most what they carry
 *   together, since each counts what was stored when it started.
 */
import { type Database, getTask, recordStorageObject, storageUsedBytes } from '@gpuq/db';
import { isTaskFinished, isUuid } from '@gpuq/job-types';
import { ObjectLocked, type UploadPolicy } from '@gpuq/storage';

/**
 * The task whose folder holds `path`: the first id among the two segments after the owner, so
 * `<userId>/<taskId>/...` (job-callback uploads) and `<userId>/<folder>/<taskId>/...`
 * (generate-upload-url's `tasks/`). Undefined for any other path.
 */
export function taskFolderOf(path: string): { userId: string; taskId: string } | undefined {
  const [userId, second, third] = path.split('/');
  const taskId = second && isUuid(second) ? second : third;
  if (!userId || !taskId || !isUuid(userId) || !isUuid(taskId)) return undefined;
  return { userId, taskId };
}

export function storageUploadPolicy(db: Database, quotaBytes: number): UploadPolicy {
  return {
    async admit({ bucket, path }) {
      const folder = taskFolderOf(path);
      if (folder) {
        const task = await getTask(db, folder);
        if (task && isTaskFinished(task.status)) {
          throw new ObjectLocked(bucket, path, `task ${task.id} is already ${task.status}`);
        }
      }
      const userId = path.split('/')[0] as string;
      const usedBytes = await storageUsedBytes(db, { userId, except: { bucket, path } });
      return { quota: { usedBytes, quotaBytes } };
    },
    async stored(info) {
      const userId = info.path.split('/')[0] as string;
      await recordStorageObject(db, { ...info, userId });
    },
  };
}
