/**
 * What the callback service must know of a task before it applies a `completed` report: its owner
 * and type (reported output paths are checked against `<owner>/` in the type's bucket). Both are
 * fixed when the task is created, so they are remembered from the task's earlier reports (its
 * `processing` claim) and read from the database only for a task this process has not seen yet
 * (after a restart, or behind a load balancer): a completed report then costs one round trip, not
 * two. Bounded: past `maxEntries` the oldest entry is dropped.
 */
import type { Task } from '@gpuq/db';

export type TaskOwner = Pick<Task, 'userId' | 'taskType'>;

export class TaskOwnerCache {
  private readonly owners = new Map<string, TaskOwner>();

  /** @param maxEntries default 10,000: a few hundred KiB, far more tasks than run at once. */
  constructor(private readonly maxEntries = 10_000) {}

  get(taskId: string): TaskOwner | undefined {
    return this.owners.get(taskId);
  }

  remember(task: Pick<Task, 'id' | 'userId' | 'taskType'>): void {
    if (this.owners.has(task.id)) return;
    this.owners.set(task.id, { userId: task.userId, taskType: task.taskType });
    if (this.owners.size > this.maxEntries) {
      const oldest = this.owners.keys().next().value;
      if (oldest !== undefined) this.owners.delete(oldest);
    }
  }

  /** A finished task reports no more (a repeat just reads it again). */
  forget(taskId: string): void {
    this.owners.delete(taskId);
  }
}
