/** Reads over tasks: one task, a user's job list, and what pull-workers ask about neighbours. */
import { isUuid, type RunType, type TaskStatus } from '@gpuq/job-types';
import type { Queryable } from '../database/database.js';
import { queryCamel, queryRows } from '../database/run-query.js';
import type { Task } from './task.js';

/** The task, or null when unknown or (with `userId`) not that user's. */
export async function getTask(
  db: Queryable,
  input: { taskId: string; userId?: string | null },
): Promise<Task | null> {
  const [task] = await queryCamel<Task>(
    db,
    'select * from public.tasks where id = $1 and ($2::uuid is null or user_id = $2::uuid)',
    [input.taskId, input.userId ?? null],
  );
  return task ?? null;
}

export interface ListTasksInput {
  /** A user's tasks; null: everyone's (the service role). */
  userId?: string | null;
  status?: TaskStatus | null;
  projectId?: string | null;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
  /** 1..100. Default 20. */
  limit?: number;
}

export interface TaskPage {
  tasks: Task[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

// Keyset pagination on (created_at, id), newest first: stable while new tasks arrive. The cursor
// names the page's last task and its position is read back from the row, because a JS Date would
// drop created_at's microseconds.
function encodeCursor(task: Task): string {
  return Buffer.from(task.id).toString('base64url');
}

function decodeCursor(cursor: string | null | undefined): string | null {
  return cursor ? Buffer.from(cursor, 'base64url').toString('utf8') : null;
}

/** Whether `cursor` is a `nextCursor` this module could have made: check it before `listTasks`. */
export function isTaskCursor(cursor: string): boolean {
  const id = decodeCursor(cursor);
  return id !== null && isUuid(id) && Buffer.from(id).toString('base64url') === cursor;
}

export async function listTasks(db: Queryable, input: ListTasksInput = {}): Promise<TaskPage> {
  const limit = Math.min(Math.max(input.limit ?? 20, 1), 100);
  const cursorId = decodeCursor(input.cursor);
  const tasks = await queryCamel<Task>(
    db,
    `select * from public.tasks
      where ($1::uuid is null or user_id = $1::uuid)
        and ($2::public.task_status is null or status = $2::public.task_status)
        and ($3::uuid is null or project_id = $3::uuid)
        and ($4::uuid is null or (created_at, id) < (select c.created_at, c.id from public.tasks c where c.id = $4::uuid))
      order by created_at desc, id desc
      limit $5`,
    [input.userId ?? null, input.status ?? null, input.projectId ?? null, cursorId, limit + 1],
  );
  const page = tasks.slice(0, limit);
  const last = page.at(-1);
  return { tasks: page, nextCursor: tasks.length > limit && last ? encodeCursor(last) : null };
}

export interface PredecessorOutput {
  predecessorId: string;
  predecessorStatus: TaskStatus | null;
  /** Null until the predecessor is Complete. */
  outputLocation: string | null;
}

/** The first dependency's output; null when the task has none. @throws TaskNotFoundError */
export async function getPredecessorOutput(
  db: Queryable,
  input: { taskId: string; userId?: string | null },
): Promise<PredecessorOutput | null> {
  const [row] = await queryCamel<PredecessorOutput>(
    db,
    'select * from public.get_predecessor_output($1, $2)',
    [input.taskId, input.userId ?? null],
  );
  return row ?? null;
}

export interface CompletedSegment {
  segmentIndex: number;
  outputLocation: string | null;
}

/** Complete travel segments of one orchestrator run, by segment index. */
export async function getCompletedSegments(
  db: Queryable,
  input: { runId: string; projectId?: string | null; userId?: string | null },
): Promise<CompletedSegment[]> {
  return queryCamel<CompletedSegment>(db, 'select * from public.get_completed_segments($1, $2, $3)', [
    input.runId,
    input.projectId ?? null,
    input.userId ?? null,
  ]);
}

export interface TaskCounts {
  queued: number;
  inProgress: number;
}

/** Claimable (protocol) work for pull-workers; inProgress is 0 unless includeActive. */
export async function countTasks(
  db: Queryable,
  input: { runType?: RunType | null; includeActive?: boolean; userId?: string | null } = {},
): Promise<TaskCounts> {
  const [row] = await queryCamel<TaskCounts>(db, 'select * from public.task_counts($1, $2, $3)', [
    input.runType ?? null,
    input.includeActive ?? true,
    input.userId ?? null,
  ]);
  return row ?? { queued: 0, inProgress: 0 };
}

/** Where a Queued task sits in the oldest-first order: the reconciler's page boundary. */
export interface QueuedTaskRef {
  id: string;
  taskType: string;
  /** As Postgres prints it, to the microsecond: a JS Date would cut it to the millisecond. */
  createdAt: string;
}

/**
 * Queued tasks of `jobTypes` older than `olderThanSeconds`, oldest first, after `after` (a page's
 * last ref): the ones the reconciler checks are on the queue. Ids and types only, so a pass over a
 * large backlog stays cheap.
 */
export async function listQueuedJobTaskRefs(
  db: Queryable,
  input: { jobTypes: readonly string[]; olderThanSeconds?: number; after?: QueuedTaskRef; limit?: number },
): Promise<QueuedTaskRef[]> {
  return queryCamel<QueuedTaskRef>(
    db,
    `select id, task_type, created_at::text as created_at from public.tasks
      where status = 'Queued' and task_type = any ($1::text[])
        and created_at < now() - make_interval(secs => $2)
        and ($4::timestamptz is null or (created_at, id) > ($4::timestamptz, $5::uuid))
      order by created_at, id limit $3`,
    [
      input.jobTypes,
      input.olderThanSeconds ?? 0,
      input.limit ?? 1_000,
      input.after?.createdAt ?? null,
      input.after?.id ?? null,
    ],
  );
}

/**
 * 1-based place of a Queued task among the Queued tasks of `taskTypes` (the types sharing its
 * BullMQ queue), oldest first; null when the task is unknown or no longer Queued.
 */
export async function queuePosition(
  db: Queryable,
  input: { taskId: string; taskTypes: readonly string[] },
): Promise<number | null> {
  const [row] = await queryRows<{ position: number | null }>(
    db,
    `select case when t.status = 'Queued' then (
              select count(*)::integer from public.tasks q
               where q.status = 'Queued' and q.task_type = any ($2::text[])
                 and (q.created_at, q.id) <= (t.created_at, t.id)
            ) end as position
       from public.tasks t where t.id = $1`,
    [input.taskId, input.taskTypes],
  );
  return row?.position ?? null;
}

/**
 * Mean run time of the most recent finished tasks of one type (claim to completion), or null
 * before any has finished: the ETA's unit, learned from this fleet rather than guessed.
 */
export async function recentDurationSeconds(
  db: Queryable,
  input: { taskType: string; sample?: number },
): Promise<number | null> {
  const [row] = await queryRows<{ seconds: number | null }>(
    db,
    `select avg(extract(epoch from (r.generation_processed_at - r.generation_started_at)))::float8 as seconds
       from (select generation_processed_at, generation_started_at from public.tasks
              where task_type = $1 and status = 'Complete'
                and generation_started_at is not null and generation_processed_at is not null
              order by generation_processed_at desc limit $2) r`,
    [input.taskType, input.sample ?? 20],
  );
  return row?.seconds ?? null;
}

export interface UnfinishedWork {
  taskType: string;
  /** Outputs still to make: SDXL jobs count their images. */
  outputs: number;
}

/** Queued and running work by task type: the autoscaler's backlog, in outputs. */
export async function unfinishedWork(db: Queryable): Promise<UnfinishedWork[]> {
  return queryCamel<UnfinishedWork>(
    db,
    `select task_type, sum(case when jsonb_typeof(params->'numImages') = 'number'
                                then (params->>'numImages')::integer else 1 end)::integer as outputs
       from public.tasks where status in ('Queued', 'In Progress') group by task_type`,
  );
}
