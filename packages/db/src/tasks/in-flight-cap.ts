/**
 * The in-flight cap (public.enforce_in_flight_cap), shared by queue-job (inside submit_job) and
 * the task protocol's create-task. Call it inside the transaction that creates the tasks: it locks
 * the user's profile until that transaction ends, so the count stays exact.
 */
import type { Queryable } from '../database/database.js';
import { queryRows } from '../database/run-query.js';

/** @throws InFlightLimitError when `maxInFlight` of the user's tasks are Queued or In Progress. */
export async function enforceInFlightCap(
  db: Queryable,
  input: { userId: string; maxInFlight: number | null },
): Promise<void> {
  await queryRows(db, 'select public.enforce_in_flight_cap($1, $2)', [input.userId, input.maxInFlight]);
}
