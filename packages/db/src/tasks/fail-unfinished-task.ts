/**
 * Fails a task unless it is finished already, and says whether this call was the one that failed
 * it: every api instance closes jobs that died in the queue, and only the instance whose call
 * moved the task may count the outcome. The row lock makes concurrent callers take turns, so
 * exactly one of them finds it unfinished.
 */
import { isTaskFinished, type TaskStatus } from '@gpuq/job-types';
import type { Database } from '../database/database.js';
import { queryRows } from '../database/run-query.js';
import { type FailTaskInput, failTask } from './transitions.js';

/** True when this call failed the task; false when it was finished already or does not exist. */
export async function failUnfinishedTask(db: Database, input: FailTaskInput): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await queryRows<{ status: TaskStatus }>(
      tx,
      'select status from public.tasks where id = $1 for update',
      [input.taskId],
    );
    if (!row || isTaskFinished(row.status)) return false;
    await failTask(tx, input);
    return true;
  });
}
