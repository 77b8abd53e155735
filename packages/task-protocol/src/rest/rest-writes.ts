/**
 * Which tables `/rest/v1` writes, and what a client may set in them: only what the reference
 * clients write. The Headless worker's fatal-error handler (source/fatal_error_handler.py) marks its
 * worker `error` in `workers` and gives its task back in `tasks`; its duplicate clean-up
 * (source/db_operations.py, _delete_task_by_id) deletes child tasks. Reigh cancels a user's tasks
 * (`owner` below) and inserts new ones (rest-insert.ts). Every other table, and PUT, stays 405.
 *
 * A task row is never written directly: each row a write reaches goes through
 * public.rest_update_task / public.rest_delete_task (migration rest_task_writes), which keep the
 * status rules and the credits. A worker row is fleet state the service role owns outright.
 */
import { TaskStatus } from '@gpuq/job-types';
import { z } from 'zod';
import { PostgrestError } from '../rpc/postgrest-error.js';
import type { RestTable } from './rest-tables.js';

export type Patch = Record<string, unknown>;

export interface TableWrites {
  /** The type of the table's `id`, the key each row is written by. */
  keyType: 'uuid' | 'text';
  /** The columns a client may set, with the values each takes. */
  settable: Readonly<Record<string, z.ZodType>>;
  /** Other names clients send for a settable column. */
  aliases?: Readonly<Record<string, string>>;
  /** Rules between fields of one patch; throws a PostgrestError. */
  checkPatch?: (patch: Patch) => void;
  /** One row's change: `$1` its key, `$2` the checked patch as jsonb. Its rows (`id`, `status`). */
  updateSql: string;
  /** One row's delete, `$1` its key; null: DELETE is not served for this table. */
  deleteSql: string | null;
  /**
   * What a signed-in user may set on their own rows (row-level security picks the rows); absent:
   * nothing, and their role's missing write grant answers 42501.
   */
  owner?: { settable: readonly string[]; checkPatch: (patch: Patch) => void };
}

function refused(message: string, hint: string | null = null): PostgrestError {
  return new PostgrestError(400, { code: '22023', message, details: null, hint });
}

export const REST_WRITES = {
  tasks: {
    keyType: 'uuid',
    settable: {
      status: TaskStatus,
      worker_id: z.null({
        error: 'worker_id can only be cleared (null): a claim is made with claim-next-task',
      }),
      error_message: z.string().nullable(),
      generation_started_at: z.iso.datetime({ offset: true, local: true }).nullable(),
      // Sent by Reigh with every update; the row's trigger stamps it, so the value is not used.
      updated_at: z.iso.datetime({ offset: true, local: true }),
    },
    // Reigh's update-task-status stores `error_details` as error_message; the worker's fatal-error
    // handler sends that name.
    aliases: { error_details: 'error_message' },
    checkPatch(patch) {
      const releasing = patch.status === 'Queued';
      if ('worker_id' in patch && !releasing) {
        throw refused('worker_id is cleared only with status Queued: that gives the claim back');
      }
      if (patch.generation_started_at === null && !releasing) {
        throw refused('generation_started_at is cleared only with status Queued: that gives the claim back');
      }
    },
    updateSql: 'select id::text, status::text, task_type from public.rest_update_task($1::uuid, $2::jsonb)',
    deleteSql: 'select id::text, status::text, task_type from public.rest_delete_task($1::uuid)',
    // Reigh cancels a user's tasks with `.update({ status: 'Cancelled', updated_at })` as that user
    // (src/shared/hooks/useTasks.ts, cancelTask and cancelPendingTasks): served through cancel_task.
    owner: {
      settable: ['status', 'updated_at'],
      checkPatch(patch) {
        if (patch.status !== undefined && patch.status !== 'Cancelled') {
          throw new PostgrestError(403, {
            code: '42501',
            message: `permission denied to set tasks.status to ${String(patch.status)}`,
            details: "a task's owner may only cancel it",
            hint: null,
          });
        }
      },
    },
  },
  workers: {
    keyType: 'text',
    settable: {
      status: z.string().min(1).max(50),
      metadata: z.record(z.string(), z.unknown()),
    },
    updateSql: `update public.workers
      set status = case when $2::jsonb ? 'status' then $2::jsonb ->> 'status' else status end,
          metadata = case when $2::jsonb ? 'metadata' then $2::jsonb -> 'metadata' else metadata end
      where id = $1 returning id, status`,
    deleteSql: null,
  },
} as const satisfies Partial<Record<RestTable, TableWrites>>;

export type WritableTable = keyof typeof REST_WRITES;

export function writesOf(table: string): TableWrites | null {
  return Object.hasOwn(REST_WRITES, table) ? REST_WRITES[table as WritableTable] : null;
}

/**
 * A PATCH body as the patch to apply: a JSON object whose keys are settable columns (or their
 * aliases), each with a value of its type. PostgREST's answers where it has one: PGRST102 for a
 * body that is not an object, PGRST204 for a column the table lacks; 42501 for a column that exists
 * but is not a client's to set, 22023 for a value the column does not take.
 */
export function checkedPatch(
  table: string,
  writes: TableWrites,
  columns: ReadonlySet<string>,
  body: unknown,
  asOwner: boolean,
): Patch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PostgrestError(400, {
      code: 'PGRST102',
      message: 'Empty or invalid json',
      details: 'the body of a PATCH is one JSON object of the columns to set',
      hint: null,
    });
  }
  const settableNames = asOwner && writes.owner ? writes.owner.settable : Object.keys(writes.settable);
  const patch: Patch = {};
  for (const [sent, value] of Object.entries(body)) {
    const column = writes.aliases?.[sent] ?? sent;
    if (!columns.has(column)) {
      throw new PostgrestError(400, {
        code: 'PGRST204',
        message: `Could not find the '${sent}' column of '${table}' in the schema cache`,
        details: null,
        hint: null,
      });
    }
    const schema = settableNames.includes(column) ? writes.settable[column] : undefined;
    if (!schema) {
      throw new PostgrestError(403, {
        code: '42501',
        message: `permission denied to set ${table}.${column}`,
        details: `a client may set only ${settableNames.join(', ')} of ${table}`,
        hint:
          table === 'tasks'
            ? 'tasks change through the task functions (update-task-status, complete_task)'
            : null,
      });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw refused(
        `invalid value for ${table}.${column}: ${parsed.error.issues[0]?.message ?? 'not accepted'}`,
      );
    }
    patch[column] = parsed.data;
  }
  if (asOwner && writes.owner) writes.owner.checkPatch(patch);
  else writes.checkPatch?.(patch);
  return patch;
}
