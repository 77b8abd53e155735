/**
 * The rpc functions older Headless workers and the seed's schema name besides the ones in
 * rpc-functions.ts, as thin wrappers over what exists: the same claim, the same create-task (its
 * bounds, prices, limits), the same completed-segments query, each within the caller's scope.
 * Their answers keep the seed's shapes (`task_id_out`, `segment_idx`, …).
 */
import { claimNextTask, getCompletedSegments, type Task } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import { CreateTaskRequest, describeValidationError } from '@gpuq/job-types';
import { z } from 'zod';
import { createProtocolTask } from '../actions/create-task.js';
import type { Scope } from '../scope.js';
import type { RouteContext } from '../settings.js';
import { invalidArgumentError } from './postgrest-error.js';
import { rpcFunction as fn, type RpcFunction } from './rpc-function.js';

/** The seed's functions took a table name; only `tasks` exists here. */
const TableName = z.literal('tasks').optional();
const WorkerId = z.string().min(1).max(200);

function claimedRow(task: Task | null, idAsText: boolean) {
  if (!task) return [];
  return [
    {
      task_id_out: idAsText ? String(task.id) : task.id,
      params_out: task.params,
      task_type_out: task.taskType,
      project_id_out: task.projectId,
    },
  ];
}

async function claim(ctx: RouteContext, scope: Scope, workerId: string, userId: string | null) {
  return claimNextTask(ctx.db, { workerId, userId, registerWorker: scope.registersWorkers ?? false });
}

/** `p_params` arrives as the JSON text of an object (json.dumps) or as the object itself. */
const ParamsArgument = z.unknown().transform((value, check) => {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = null;
    }
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
    return parsed as Record<string, unknown>;
  check.addIssue({ code: 'custom', message: 'must be a JSON object' });
  return z.NEVER;
});

export const SEED_RPC_FUNCTIONS: Record<string, RpcFunction> = {
  func_claim_task: fn(
    z.looseObject({ p_table_name: TableName, p_worker_id: WorkerId }),
    async (ctx, scope, args) => claimedRow(await claim(ctx, scope, args.p_worker_id, scope.userId), false),
  ),
  func_claim_user_task: fn(
    z.looseObject({ p_table_name: TableName, p_worker_id: WorkerId, p_user_id: z.uuid() }),
    async (ctx, scope, args) => {
      if (scope.userId !== null && scope.userId !== args.p_user_id) {
        throw new HttpError(403, 'forbidden', 'permission denied: p_user_id is another user');
      }
      return claimedRow(await claim(ctx, scope, args.p_worker_id, args.p_user_id), true);
    },
  ),
  func_add_task: fn(
    z.looseObject({
      p_task_id: z.uuid(),
      p_params: ParamsArgument,
      p_task_type: z.string().min(1).max(64),
      p_project_id: z.uuid(),
      p_dependant_on: z.uuid().nullish(),
      p_table_name: TableName,
    }),
    async (ctx, scope, args) => {
      const request = CreateTaskRequest.safeParse({
        task_id: args.p_task_id,
        params: args.p_params,
        task_type: args.p_task_type,
        project_id: args.p_project_id,
        dependant_on: args.p_dependant_on ?? null,
      });
      if (!request.success) {
        const { error } = describeValidationError(request.error);
        throw invalidArgumentError(error.field ? `p_${error.message}` : error.message);
      }
      await createProtocolTask(ctx, scope, request.data);
      return null;
    },
  ),
  func_initialize_tasks_table: fn(
    z.looseObject({ p_table_name: z.string().max(63).optional() }),
    async (_ctx, _scope, args) => {
      const table = args.p_table_name ?? 'tasks';
      // Only the tasks table is the protocol's: no other name is confirmed or denied beyond that.
      return table === 'tasks'
        ? 'Table tasks already exists and is ready'
        : `Table ${table} does not exist - would need to be created manually`;
    },
  ),
  func_migrate_tasks_for_task_type: fn(
    z.looseObject({ p_table_name: TableName }),
    async () =>
      'Migration check for tasks: dependant_on column exists. project_id column exists. Schema appears current.',
  ),
  func_get_completed_generation_segments_for_stitch: fn(
    z.looseObject({
      p_run_id: z.string().min(1).max(200),
      p_gen_task_type: z.literal('travel_segment').optional(),
    }),
    async (ctx, scope, args) => {
      // A run_id is the client's choice: alone it names a travel only within one user's tasks.
      if (scope.userId === null) {
        throw invalidArgumentError(
          'p_run_id alone names no travel for the service role: call /functions/v1/get-completed-segments with orchestrator_task_id',
        );
      }
      const segments = await getCompletedSegments(ctx.db, { runId: args.p_run_id, userId: scope.userId });
      return segments
        .filter((segment) => segment.outputLocation !== null)
        .map((segment) => ({ segment_idx: segment.segmentIndex, output_loc: segment.outputLocation }));
    },
  ),
};
