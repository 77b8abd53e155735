/**
 * Which completion of an HTTP-claimed task counts, once the reaper may have taken the claim back
 * (requeue_stale_tasks). A completion needs no worker id (the Headless worker sends none), so:
 *
 * - In Progress: accepted, unless it names a worker other than the holder (409 naming the holder);
 * - Queued after the reaper took it from a worker (`requeuedFromWorkerId`) and not yet re-claimed:
 *   accepted, unless it names another worker — the work is done, and losing it helps no one;
 * - Queued and never claimed: 409, as before.
 */
import type { Task } from '@gpuq/db';
import { HttpError } from '@gpuq/http';

export function assertCompletableBy(task: Task, workerId: string | undefined): void {
  if (task.status === 'In Progress') {
    if (workerId !== undefined && task.workerId !== null && task.workerId !== workerId) {
      throw new HttpError(
        409,
        'conflict',
        `task ${task.id} is held by worker ${task.workerId} (claimed ${task.claimedAt?.toISOString() ?? 'earlier'}), not ${workerId}`,
      );
    }
    return;
  }
  if (task.status !== 'Queued') return;
  const reapedFrom = task.requeuedFromWorkerId;
  if (reapedFrom === null || (workerId !== undefined && workerId !== reapedFrom)) {
    throw new HttpError(409, 'conflict', `task ${task.id} is Queued: claim it before completing it`);
  }
}
