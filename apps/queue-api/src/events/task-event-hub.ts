/**
 * Task events for this api instance's subscribers, fed by Postgres LISTEN/NOTIFY (the task status
 * broadcast): a change committed by any instance, worker callback or pull-worker reaches every
 * instance, so the api scales out behind a load balancer. One LISTEN per process, fanned out here.
 *
 * A change is read and presented only when this instance has a stream for its owner (or one of
 * the service role's, which sees everyone's): the notification names the owner, so an instance
 * whose streams belong to other users spends nothing on it. Presenting a waiting task counts the
 * tasks ahead of it, which grows with the backlog; without this filter every instance with any
 * stream open did that for every task change of the whole deployment.
 *
 * Notifications sent while the LISTEN connection is down are lost; the database reconnects it,
 * and then the hub re-reads every task changed since shortly before the loss and sends each
 * streamed owner's its current state, so an open stream misses no final state (it may see a state
 * twice).
 */
import {
  type Database,
  getTask,
  type ListenerOutage,
  listenTaskStatus,
  listTasksChangedSince,
  type Task,
  type TaskStatusEvent,
} from '@gpuq/db';
import type { JobRecord } from '@gpuq/job-types';
import type { Logger } from '@gpuq/logger';
import type { PresentJob } from '../jobs/job-presenter.js';

export interface JobEvent {
  userId: string;
  job: JobRecord;
}

type Subscriber = (event: JobEvent) => void;

/** Whose jobs a stream is for: one user's, or (null) everyone's, for the service role. */
export type StreamScope = string | null;

/**
 * How far before the loss the catch-up reads: `updated_at` is a transaction's start, so a change
 * committed during the outage may carry an earlier time (bounded by the statement timeouts).
 */
const CATCH_UP_MARGIN_MS = 60_000;
/** Most tasks re-sent after one outage; more are logged, and their streams see later changes. */
const CATCH_UP_LIMIT = 2_000;

export class TaskEventHub {
  /** Subscribers by the user whose jobs they stream. */
  private readonly byOwner = new Map<string, Set<Subscriber>>();
  /** Subscribers to everyone's jobs. */
  private readonly everyone = new Set<Subscriber>();
  private stop: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: Database,
    private readonly present: PresentJob,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stop = await listenTaskStatus(
      this.db,
      (event) => {
        if (this.isStreamed(event.userId)) void this.deliver(event);
      },
      { onRestored: (outage) => void this.catchUp(outage) },
    );
  }

  /** Calls `subscriber` with every change of a job in `scope`; returns the function that stops it. */
  subscribe(scope: StreamScope, subscriber: Subscriber): () => void {
    if (scope === null) {
      this.everyone.add(subscriber);
      return () => this.everyone.delete(subscriber);
    }
    const owners = this.byOwner.get(scope) ?? new Set<Subscriber>();
    this.byOwner.set(scope, owners.add(subscriber));
    return () => {
      owners.delete(subscriber);
      if (owners.size === 0 && this.byOwner.get(scope) === owners) this.byOwner.delete(scope);
    };
  }

  private isStreamed(userId: string): boolean {
    return this.everyone.size > 0 || this.byOwner.has(userId);
  }

  /** Sends the current state of every task that changed while the hub heard nothing. */
  async catchUp(outage: ListenerOutage): Promise<number> {
    if (this.everyone.size === 0 && this.byOwner.size === 0) return 0;
    try {
      const since = new Date(outage.lostAt.getTime() - CATCH_UP_MARGIN_MS);
      const tasks = await listTasksChangedSince(this.db, { since, limit: CATCH_UP_LIMIT });
      for (const task of tasks) if (this.isStreamed(task.userId)) await this.send(task);
      this.logger.info(
        { tasks: tasks.length, downMs: outage.downMs, capped: tasks.length === CATCH_UP_LIMIT },
        'event streams caught up after the database listener reconnected',
      );
      return tasks.length;
    } catch (error) {
      this.logger.warn(
        { err: (error as Error).message },
        'could not catch event streams up after the listener reconnected',
      );
      return 0;
    }
  }

  private async send(task: Task): Promise<void> {
    // Presented once per change, however many of the owner's streams are open here.
    const job = await this.present(task);
    const event = { userId: task.userId, job };
    for (const subscriber of this.byOwner.get(task.userId) ?? []) subscriber(event);
    for (const subscriber of this.everyone) subscriber(event);
  }

  private async deliver(event: TaskStatusEvent): Promise<void> {
    try {
      const task = await getTask(this.db, { taskId: event.taskId });
      if (!task) return;
      await this.send(task);
    } catch (error) {
      this.logger.warn(
        { err: (error as Error).message, taskId: event.taskId },
        'could not deliver a task event',
      );
    }
  }

  async close(): Promise<void> {
    this.byOwner.clear();
    this.everyone.clear();
    await this.stop?.();
  }
}
