/**
 * Task events for this api instance's subscribers, fed by Postgres LISTEN/NOTIFY (the task status
 * broadcast): a change committed by any instance, worker callback or pull-worker reaches every
 * instance, so the api scales out behind a load balancer. One LISTEN per process, fanned out here.
 */
import { type Database, getTask, listenTaskStatus, type TaskStatusEvent } from '@gpuq/db';
import type { JobRecord } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import type { PresentJob } from '../jobs/job-presenter.js';

export interface JobEvent {
  userId: string;
  job: JobRecord;
}

type Subscriber = (event: JobEvent) => void;

export class TaskEventHub {
  private readonly subscribers = new Set<Subscriber>();
  private stop: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Database,
    private readonly present: PresentJob,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stop = await listenTaskStatus(this.db, (event) => {
      if (this.subscribers.size > 0) void this.deliver(event);
    });
  }

  subscribe(subscriber: Subscriber): () => void {
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }

  private async deliver(event: TaskStatusEvent): Promise<void> {
    try {
      // Presented once per change, whoever is listening; each subscriber filters by owner.
      const task = await getTask(this.db, { taskId: event.taskId });
      if (!task) return;
      const job = await this.present(task);
      for (const subscriber of this.subscribers) subscriber({ userId: task.userId, job });
    } catch (error) {
      this.logger.warn(
        { err: (error as Error).message, taskId: event.taskId },
        'could not deliver a task event',
      );
    }
  }

  async close(): Promise<void> {
    this.subscribers.clear();
    await this.stop?.();
  }
}
