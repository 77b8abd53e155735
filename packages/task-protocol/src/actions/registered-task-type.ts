/**
 * A create-task type that is not one of gpuq's built-ins must be registered in the task_types
 * table; its row says what the task reserves and which pull-workers (run_type) may claim it.
 * An unknown or disabled type is a 400 naming where types are registered, before anything is
 * written.
 */
import { getTaskType, type Queryable } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import {
  type BillingType,
  type RunType,
  registeredTaskCredits,
  TASK_TYPE_REGISTRY_HINT,
} from '@gpuq/job-types';

export interface RegisteredTaskType {
  credits: number;
  runType: RunType;
  billingType: BillingType;
}

export async function registeredTaskType(db: Queryable, taskType: string): Promise<RegisteredTaskType> {
  const record = await getTaskType(db, taskType);
  if (!record?.isActive) {
    const state = record ? 'is disabled' : 'is not a known task type';
    throw new HttpError(
      400,
      'invalid_request',
      `task_type: ${taskType} ${state} (${TASK_TYPE_REGISTRY_HINT})`,
      {
        field: 'task_type',
      },
    );
  }
  return { credits: registeredTaskCredits(record), runType: record.runType, billingType: record.billingType };
}
