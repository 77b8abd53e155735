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

/** EXISTS of each key, as an array in the keys' order. */
const EXISTS_EACH = `local found = {}
for index, key in ipairs(KEYS) do found[index] = redis.call('EXISTS', key) end
return found`;

/**
 * A job's place in its queue's line, as `{kind, n}`. Waiting (kind 1): n is its 1-based index
 * counted from the end workers take from (BullMQ pushes a job on the left and workers pop from the
 * right; an admin image is pushed on the right). Taken by a worker (kind 2). In none of these
 * lists (kind 3: not added yet, delayed for a retry, done, or unknown): n is the line's length.
 *
 * What it costs Redis is the point: queue-job reads the place while its job is being added, so
 * the read often arrives first, and with a deep backlog a search of the whole line for a job not
 * in it cost every queue-job a scan (1.2 ms more Redis CPU a request with 100 000 waiting). So a
 * job with no hash (not added yet, or removed) or in a sorted set (delayed, completed, failed)
 * answers at once; only a job that has been taken before is looked for among the active ones
 * (`processedOn` is set when a worker takes it; the active list holds one entry per running job
 * of the fleet); a line is searched from both ends at once in windows that double, so a lookup
 * costs about the job's distance from the nearer end. The active list is still searched last,
 * so the answer never depends on `processedOn`, only its cost.
 *
 * Keys: wait, paused, active, the job's hash, delayed, completed, failed (one slot: the prefix's
 * hash tag).
 */
const PLACE_IN_LINE = `local id = ARGV[1]
local function inNoLine()
  return {3, redis.call('LLEN', KEYS[1]) + redis.call('LLEN', KEYS[2])}
end
if redis.call('EXISTS', KEYS[4]) == 0 then return inNoLine() end
for i = 5, 7 do
  if redis.call('ZSCORE', KEYS[i], id) then return inNoLine() end
end
if redis.call('HEXISTS', KEYS[4], 'processedOn') == 1 and redis.call('LPOS', KEYS[3], id) then
  return {2, 0}
end
for i = 1, 2 do
  local length = redis.call('LLEN', KEYS[i])
  local window = 64
  while true do
    local index = redis.call('LPOS', KEYS[i], id, 'MAXLEN', window)
    if not index then index = redis.call('LPOS', KEYS[i], id, 'RANK', -1, 'MAXLEN', window) end
    if index then return {1, length - index} end
    if window >= length then break end
    window = window * 2
  end
end
if redis.call('LPOS', KEYS[3], id) then return {2, 0} end
return inNoLine()`;

/** Where a job is in its queue's line (`JobQueues.place`). */
export type PlaceInLine =
  | { state: 'waiting'; position: number }
  | { state: 'taken' }
  /** In no line; `lineLength` jobs are waiting. */
  | { state: 'elsewhere'; lineLength: number };

/**
 * The scripts above as commands of the connection: ioredis sends a defined command by its SHA
 * (EVALSHA, loading the script once on NOSCRIPT), not the script's text each call.
 */
interface ScriptCommands {
  /** Defined without a key count: the call gives it first. */
  gpuqExistsEach(keyCount: number, ...keys: string[]): Promise<number[]>;
  gpuqPlaceInLine(
    wait: string,
    paused: string,
    active: string,
    job: string,
    delayed: string,
    completed: string,
    failed: string,
    id: string,
  ): Promise<[number, number]>;
}

export class JobQueues {
  readonly byName: Record<QueueName, GpuqQueue>;
  private readonly scripts: ScriptCommands;

  constructor(options: JobQueuesOptions) {
    const { connection } = options;
    // Defining again (a second JobQueues on one connection) replaces the command with itself.
    connection.defineCommand('gpuqExistsEach', { lua: EXISTS_EACH });
    connection.defineCommand('gpuqPlaceInLine', { numberOfKeys: 7, lua: PLACE_IN_LINE });
    this.scripts = connection as unknown as ScriptCommands;
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
   * Of `ids`, those with no job on `queue`, in one command: a script answers EXISTS for every job
   * key at once (an array of 0/1), where a job fetch apiece, or even a pipeline of EXISTS, costs a
   * round trip or a command object and a reply per id.
   */
  async missingJobs(queue: QueueName, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const bull = this.queue(queue);
    // On a Cluster the prefix's hash tag keeps every key of the queue in one slot, as EVAL needs.
    const exists = await this.scripts.gpuqExistsEach(ids.length, ...ids.map((id) => bull.toKey(id)));
    return ids.filter((_, index) => exists[index] === 0);
  }

  /**
   * Where job `id` is in `queue`'s line, in one command: waiting (1 = next to be taken; a paused
   * queue's line counts too), taken by a worker, or elsewhere (with the line's length). Reads
   * Redis only, so its cost does not grow with the Postgres backlog, and it is the order workers
   * really take jobs in.
   */
  async place(queue: QueueName, id: string): Promise<PlaceInLine> {
    const bull = this.queue(queue);
    const [kind, n] = await this.scripts.gpuqPlaceInLine(
      bull.toKey('wait'),
      bull.toKey('paused'),
      bull.toKey('active'),
      bull.toKey(id),
      bull.toKey('delayed'),
      bull.toKey('completed'),
      bull.toKey('failed'),
      id,
    );
    if (kind === 1) return { state: 'waiting', position: n };
    return kind === 2 ? { state: 'taken' } : { state: 'elsewhere', lineLength: n };
  }

  /** Jobs not yet finished: waiting, prioritized, delayed and active. */
  async length(queue: QueueName): Promise<number> {
    return this.queue(queue).getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active');
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((queue) => queue.close()));
  }
}
