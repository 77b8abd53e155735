/**
 * A row of the `task_types` registry (supabase/migrations/*_task_types.sql): a task type create-task
 * accepts because it is registered as data, not because code lists it. What a registered type
 * costs is read off its row (`registeredTaskCredits`); gpuq's four built-in types are checked and
 * priced by code instead (protocol-generation.ts).
 */
import { z } from 'zod';
import { RunType } from './job-type.js';
import { QueueName } from './model-family.js';

/** Any task type's spelling: what the tasks table's `task_type` column allows. */
export const TaskTypeName = z
  .string()
  .regex(/^[a-z0-9_]{1,64}$/, 'must be 1-64 characters of a-z, 0-9 and _');
export type TaskTypeName = z.infer<typeof TaskTypeName>;

export const TaskCategory = z.enum(['generation', 'processing', 'orchestration', 'utility']);
export type TaskCategory = z.infer<typeof TaskCategory>;

/** The reference frontend's billing models: a fixed cost per task, or per second of run time. */
export const BillingType = z.enum(['per_unit', 'per_second']);
export type BillingType = z.infer<typeof BillingType>;

/** Postgres `numeric` arrives as text. */
const Credits = z.coerce.number().nonnegative();

export const TaskTypeRecord = z.object({
  name: TaskTypeName,
  runType: RunType,
  category: TaskCategory,
  contentType: z.enum(['image', 'video']).nullable(),
  displayName: z.string().min(1).max(200),
  description: z.string().max(2000).nullable(),
  billingType: BillingType,
  /** Credits per task (per_unit). */
  unitCost: Credits.max(100_000),
  /** Credits per second of run time (per_second). */
  baseCostPerSecond: Credits.max(1000),
  /** The run time a per_second type's reservation pays for. */
  reserveSeconds: z.number().int().min(0).max(86_400),
  /** Our BullMQ queue that runs it; null: pull-workers claim it over HTTP. Built-ins only. */
  fleetQueue: QueueName.nullable(),
  builtIn: z.boolean(),
  isActive: z.boolean(),
  source: z.string().min(1).max(200),
});
export type TaskTypeRecord = z.infer<typeof TaskTypeRecord>;

/** Where task types are registered: named in every refusal of an unknown type. */
export const TASK_TYPE_REGISTRY_HINT =
  'task types are registered in the task_types table; an admin adds one with `pnpm task-types add`';

/**
 * The whole credits a registered type's task reserves at create time: its unit cost, or its
 * per-second cost over its reserved seconds, rounded up (credits are whole; a priced type never
 * runs free).
 */
export function registeredTaskCredits(
  record: Pick<TaskTypeRecord, 'billingType' | 'unitCost' | 'baseCostPerSecond' | 'reserveSeconds'>,
): number {
  const cost =
    record.billingType === 'per_unit' ? record.unitCost : record.baseCostPerSecond * record.reserveSeconds;
  // To micro-credits first, as the columns hold them: float noise (0.1 * 30 = 3.0000000000000004)
  // must not add a credit.
  return Math.ceil(Math.round(cost * 1e6) / 1e6);
}

/** What an admin registers: a pull-worker type (built-ins and their fleet queues are code's). */
export const NewTaskType = TaskTypeRecord.omit({ builtIn: true, fleetQueue: true });
export type NewTaskType = z.infer<typeof NewTaskType>;
