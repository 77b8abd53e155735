/**
 * calculate-task-cost in Reigh's form, `{ task_id }`: the credits a task costs. Reigh bills a task
 * by its run time after the fact; here every task reserved its price when created (its work, by
 * queue-job's price list, or its task_types row) and settles that, except a per_second type, whose
 * settlement gives back what its run did not use (migration per_second_settlement): the answer is
 * the reservation less that return, known at any status.
 */
import type { Principal } from '@gpuq/auth';
import { type Database, getTask, listLedger } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import { z } from 'zod';

export const TaskCostRequest = z.object({ task_id: z.uuid() });

export interface TaskCostAnswer {
  success: true;
  task_id: string;
  cost: number;
  status: string;
  billing_type: 'per_task';
}

/** Whether a calculate-task-cost body is Reigh's `{ task_id }` form rather than a queue-job request. */
export function namesTask(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'task_id' in body && !('jobType' in body);
}

export async function taskCost(db: Database, principal: Principal, body: unknown): Promise<TaskCostAnswer> {
  const parsed = TaskCostRequest.safeParse(body);
  if (!parsed.success) {
    throw new HttpError(400, 'invalid_request', 'task_id must be a task id (uuid)', { field: 'task_id' });
  }
  const taskId = parsed.data.task_id;
  const task = await getTask(db, { taskId });
  if (!task) throw new HttpError(404, 'not_found', `task ${taskId} not found`);
  if (principal.kind === 'user' && task.userId !== principal.userId) {
    throw new HttpError(403, 'forbidden', `task ${taskId} is not in your projects`);
  }
  const ledger = await listLedger(db, { userId: task.userId, taskId: task.id });
  const returned = ledger
    .filter((entry) => entry.kind === 'settlement')
    .reduce((sum, e) => sum + e.amount, 0);
  const cost = task.cost - returned;
  return { success: true, task_id: task.id, cost, status: task.status, billing_type: 'per_task' };
}
