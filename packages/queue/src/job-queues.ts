/**
 * The producer side of the two queues. One instance per API process; queue names come from the
 * routing catalog, and every job carries the data schema of @gpuq/job-types.
 */
import { type QueueJobData, QueueName } from '@gpuq/job-types';
import { type Job, Queue } from 'bullmq';
import { type JobOptionsConfig, jobOptions } from './job-options.js';
import type { RedisClient } from './redis-connection.js';

export type GpuqQueue = Queue<QueueJobData, unknown, string>;
export type GpuqJob = Job<QueueJobData, unknown, string>;

export interface JobQueuesOptions {
  connection: RedisClient;
  /** BullMQ key prefix, a hash tag by default so a queue's keys share one cluster slot. */
  prefix: string;
  /**
   * Connection errors of the queues (each reconnect attempt while Redis is down). Without a
   * listener BullMQ prints every one to stderr with its stack; the connection's owner usually
   * reports the outage once already.
   */
  onError?: (error: Error) => void;
}

export class JobQueues {
  readonly byName: Record<QueueName, GpuqQueue>;
  private readonly connection: RedisClient;

  constructor(options: JobQueuesOptions) {
    this.connection = options.connection;
    const make = (name: QueueName): GpuqQueue => {
      const queue = new Queue<QueueJobData, unknown, string>(name, {
        connection: options.connection,
        prefix: options.prefix,
      });
      if (options.onError) queue.on('error', options.onError);
      return queue;
    };
    this.byName = { sdxl_queue: make('sdxl_queue'), wan_queue: make('wan_queue') };
  }

  queue(name: QueueName): GpuqQueue {
    return this.byName[name];
  }

  all(): GpuqQueue[] {
    return QueueName.options.map((name) => this.byName[name]);
  }

  /** Adds the task's job; a job with that id already present is returned unchanged. */
  async enqueue(queue: QueueName, data: QueueJobData, config?: JobOptionsConfig): Promise<GpuqJob> {
    return this.queue(queue).add(data.taskType, data, jobOptions(data.taskId, config));
  }

  /**
   * Of `ids`, those with no job on `queue`: one pipelined EXISTS per id, a single round trip,
   * where fetching each job would be one round trip and a parse apiece.
   */
  async missingJobs(queue: QueueName, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const bull = this.queue(queue);
    // The queues' own connection; on a Cluster the prefix's hash tag keeps these keys in one slot.
    const pipeline = this.connection.pipeline();
    for (const id of ids) pipeline.exists(bull.toKey(id));
    const replies = (await pipeline.exec()) ?? [];
    return ids.filter((_, index) => {
      const [error, exists] = replies[index] ?? [new Error('no reply'), 0];
      if (error) throw error;
      return exists === 0;
    });
  }

  /** Jobs not yet finished: waiting, prioritized, delayed and active. */
  async length(queue: QueueName): Promise<number> {
    return this.queue(queue).getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active');
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
  }
}
