/**
 * Tasks changed since a moment, oldest change first: what a listener that lost its LISTEN
 * connection re-reads, because the notifications sent while it was down are gone.
 */
import type { Queryable } from '../database/database.js';
import { queryCamel } from '../database/run-query.js';
import type { Task } from './task.js';

export async function listTasksChangedSince(
  db: Queryable,
  input: { since: Date; limit: number },
): Promise<Task[]> {
  return queryCamel<Task>(
    db,
    'select * from public.tasks where updated_at >= $1 order by updated_at limit $2',
    [input.since, input.limit],
  );
}
