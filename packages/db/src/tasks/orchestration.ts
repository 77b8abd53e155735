/**
 * What the task protocol needs beyond the claim and the transitions: starting a travel
 * orchestrator, counting claimable work, reading a travel's tasks, and finding tasks whose
 * dependencies have just become Complete (they are enqueued for BullMQ workers only then).
 */
import type { RunType } from '@gpuq/job-types';
import type { Queryable } from '../database/database.js';
import { queryCamel, queryOne } from '../database/run-query.js';
import { TASK_COLUMNS, type Task } from './task.js';

/** Queued -> In Progress for an expanded travel_orchestrator. @throws InvalidTransitionError */
export async function startOrchestratorTask(db: Queryable, taskId: string): Promise<Task> {
  return queryOne<Task>(db, `select ${TASK_COLUMNS} from public.start_orchestrator_task($1) t`, [taskId]);
}

export interface ClaimableCounts {
  /** Queued protocol tasks whose every dependency is Complete. */
  claimable: number;
  /** Queued protocol tasks still waiting on a dependency. */
  blockedByDeps: number;
}

export async function claimableTaskCounts(
  db: Queryable,
  input: { runType?: RunType | null; userId?: string | null } = {},
): Promise<ClaimableCounts> {
  const [row] = await queryCamel<ClaimableCounts>(db, 'select * from public.claimable_task_counts($1, $2)', [
    input.runType ?? null,
    input.userId ?? null,
  ]);
  return row ?? { claimable: 0, blockedByDeps: 0 };
}

/** A travel's segments (by segment_index) then its stitch. */
export async function listTravelTasks(db: Queryable, orchestratorTaskId: string): Promise<Task[]> {
  return queryCamel<Task>(
    db,
    `select * from public.tasks
      where task_type in ('travel_segment', 'travel_stitch')
        and params ->> 'orchestrator_task_id' = $1::text
      order by task_type = 'travel_stitch', (params ->> 'segment_index')::integer nulls last, created_at`,
    [orchestratorTaskId],
  );
}

const READY = `not exists (
  select 1 from pg_catalog.unnest(t.dependant_on) as dep(id)
  left join public.tasks d on d.id = dep.id
  where d.status is distinct from 'Complete')`;

/** Queued tasks that depend on any of `taskIds` and now have every dependency Complete. */
export async function listReadyDependants(
  db: Queryable,
  taskIds: string | readonly string[],
): Promise<Task[]> {
  return queryCamel<Task>(
    db,
    `select * from public.tasks t
      where t.status = 'Queued' and t.dependant_on && $1::uuid[] and ${READY}
      order by t.created_at, t.id`,
    [typeof taskIds === 'string' ? [taskIds] : taskIds],
  );
}

/** Queued tasks of `taskTypes` that are claimable now, oldest first (the dispatcher's sweep). */
export async function listReadyTasks(
  db: Queryable,
  input: { taskTypes: readonly string[]; limit?: number },
): Promise<Task[]> {
  return queryCamel<Task>(
    db,
    `select * from public.tasks t
      where t.status = 'Queued' and t.task_type = any ($1::text[]) and ${READY}
      order by t.created_at, t.id limit $2`,
    [input.taskTypes, input.limit ?? 100],
  );
}
