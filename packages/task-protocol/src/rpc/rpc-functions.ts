/**
 * The rpc allow-list: the functions of the seed's reference that the Headless worker (and older
 * workers) call over supabase-js `.rpc()`, with their parameter names and answers. Each runs
 * through the same data layer and scoping as the edge functions; nothing else in the database
 * is reachable over `/rest/v1/rpc`.
 */
import { claimNextTask, getTask, type Task, workerHeartbeat } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import { INT32_MAX, TaskStatus } from '@gpuq/job-types';
import { z } from 'zod';
import { applyStatusUpdate } from '../actions/update-status.js';
import type { Scope } from '../scope.js';
import type { RouteContext } from '../settings.js';
import { rpcFunction as fn, type RpcFunction } from './rpc-function.js';
import { SEED_RPC_FUNCTIONS } from './seed-rpc-functions.js';

const TaskIdText = z.string().uuid();
/** The SQL functions take `integer` megabytes. */
const Megabytes = z.number().int().min(0).max(INT32_MAX);

/**
 * The boolean rpcs answered "rows updated > 0": an unknown task is `false`, as a PostgREST update
 * that matched nothing. Someone else's task is refused (403), as on every other endpoint.
 */
async function scopedTask(ctx: RouteContext, scope: Scope, taskId: string): Promise<Task | null> {
  const task = await getTask(ctx.db, { taskId });
  if (task && scope.userId !== null && task.userId !== scope.userId) {
    throw new HttpError(403, 'forbidden', `permission denied: task ${taskId} is not in your projects`);
  }
  return task;
}

function serviceOnly(scope: Scope, name: string): void {
  if (scope.userId !== null) throw new HttpError(403, 'forbidden', `permission denied for function ${name}`);
}

const ErrorMessage = z.string().max(4000).nullish();
// Two signatures; the one that validated names the task (a junk `p_task_id` beside a valid
// `task_id_param` must not be the one used).
const markFailed = fn(
  z.union([
    z
      .looseObject({ p_task_id: TaskIdText, p_error_message: ErrorMessage })
      .transform((args) => ({ taskId: args.p_task_id, message: args.p_error_message ?? null })),
    z
      .looseObject({ task_id_param: TaskIdText, error_message_param: ErrorMessage })
      .transform((args) => ({ taskId: args.task_id_param, message: args.error_message_param ?? null })),
  ]),
  async (ctx, scope, args) => {
    const task = await scopedTask(ctx, scope, args.taskId);
    if (!task) return false;
    await applyStatusUpdate(ctx, scope, task, { status: 'Failed', message: args.message });
    return true;
  },
);

export const RPC_FUNCTIONS: Record<string, RpcFunction> = {
  func_claim_available_task: fn(
    z.looseObject({ worker_id_param: z.string().min(1).max(200) }),
    async (ctx, scope, args) => {
      const task = await claimNextTask(ctx.db, {
        workerId: args.worker_id_param,
        userId: scope.userId,
        registerWorker: scope.registersWorkers ?? false,
      });
      if (!task) return [];
      return [
        {
          id: task.id,
          status: task.status,
          attempts: task.attempts,
          worker_id: task.workerId,
          generation_started_at: task.generationStartedAt,
          task_data: task.params,
          created_at: task.createdAt,
          task_type: task.taskType,
        },
      ];
    },
  ),
  func_update_task_status: fn(
    z.looseObject({
      p_task_id: TaskIdText,
      p_status: TaskStatus,
      p_table_name: z.literal('tasks').optional(),
      p_output_location: z.string().max(4096).nullish(),
    }),
    async (ctx, scope, args) => {
      const task = await scopedTask(ctx, scope, args.p_task_id);
      if (!task) return false;
      await applyStatusUpdate(ctx, scope, task, {
        status: args.p_status,
        message: args.p_output_location ?? null,
      });
      return true;
    },
  ),
  complete_task_with_timing: fn(
    z.looseObject({ p_task_id: TaskIdText, p_output_location: z.string().min(1).max(4096) }),
    async (ctx, scope, args) => {
      const task = await scopedTask(ctx, scope, args.p_task_id);
      if (!task) return false;
      await applyStatusUpdate(ctx, scope, task, { status: 'Complete', message: args.p_output_location });
      return true;
    },
  ),
  func_mark_task_failed: markFailed,
  func_worker_heartbeat_with_logs: fn(
    z.looseObject({
      worker_id_param: z.string().min(1).max(200),
      vram_total_mb_param: Megabytes.nullish(),
      vram_used_mb_param: Megabytes.nullish(),
      logs_param: z.array(z.unknown()).nullish(),
      current_task_id_param: TaskIdText.nullish(),
      status_param: z.string().max(50).nullish(),
    }),
    async (ctx, scope, args) => {
      // Workers are fleet state: the heartbeat guardian sends the service key or a pull-worker's
      // `tasks`-scoped token (as `apikey`); that token keeps only its own user's claims alive.
      if (scope.userId !== null && !scope.registersWorkers) {
        serviceOnly(scope, 'func_worker_heartbeat_with_logs');
      }
      return workerHeartbeat(ctx.db, {
        userId: scope.userId,
        workerId: args.worker_id_param,
        vramTotalMb: args.vram_total_mb_param ?? null,
        vramUsedMb: args.vram_used_mb_param ?? null,
        logs: args.logs_param ?? [],
        currentTaskId: args.current_task_id_param ?? null,
        status: args.status_param ?? 'active',
      });
    },
  ),
  // The older workers' functions (seed-rpc-functions.ts).
  ...SEED_RPC_FUNCTIONS,
};
