/**
 * The task_types registry: which task types create-task accepts beyond gpuq's built-in four, what
 * each costs and who runs it. Rows are checked against `TaskTypeRecord` (@gpuq/job-types) on the
 * way in and out, so a hand-edited row that breaks the schema fails loudly here.
 */
import { type NewTaskType, TaskTypeRecord } from '@gpuq/job-types';
import type { Queryable } from '../database/database.js';
import { queryCamel } from '../database/run-query.js';
import { DatabaseError } from '../errors/database-error.js';

const COLUMNS = `name, run_type, category, content_type, display_name, description, billing_type,
  unit_cost, base_cost_per_second, reserve_seconds, fleet_queue, built_in, is_active, source`;

/** The name is registered already (SQLSTATE 23505 on task_types). */
export class TaskTypeExistsError extends DatabaseError {
  override readonly name = 'TaskTypeExistsError';
}

function record(row: unknown): TaskTypeRecord {
  return TaskTypeRecord.parse(row);
}

export async function getTaskType(db: Queryable, name: string): Promise<TaskTypeRecord | null> {
  const [row] = await queryCamel<unknown>(db, `select ${COLUMNS} from public.task_types where name = $1`, [
    name,
  ]);
  return row ? record(row) : null;
}

export async function listTaskTypes(db: Queryable): Promise<TaskTypeRecord[]> {
  const rows = await queryCamel<unknown>(db, `select ${COLUMNS} from public.task_types order by name`);
  return rows.map(record);
}

/** @throws TaskTypeExistsError when the name is taken; DatabaseError 23514 for a refused value */
export async function addTaskType(db: Queryable, input: NewTaskType): Promise<TaskTypeRecord> {
  const checked = TaskTypeRecord.parse({ ...input, builtIn: false, fleetQueue: null });
  try {
    const [row] = await queryCamel<unknown>(
      db,
      `insert into public.task_types (name, run_type, category, content_type, display_name, description,
         billing_type, unit_cost, base_cost_per_second, reserve_seconds, is_active, source)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       returning ${COLUMNS}`,
      [
        checked.name,
        checked.runType,
        checked.category,
        checked.contentType,
        checked.displayName,
        checked.description,
        checked.billingType,
        checked.unitCost,
        checked.baseCostPerSecond,
        checked.reserveSeconds,
        checked.isActive,
        checked.source,
      ],
    );
    return record(row);
  } catch (error) {
    if (error instanceof DatabaseError && error.code === '23505') {
      throw new TaskTypeExistsError(`task type ${checked.name} is already registered`, {
        cause: error,
        code: error.code,
      });
    }
    throw error;
  }
}
