/**
 * create-task: a protocol task in one of the caller's projects, its credits reserved in the same
 * transaction. A travel_orchestrator is expanded there and then into its segments and stitch.
 * Tasks that are claimable at once are enqueued for our BullMQ fleet after the commit.
 *
 * Every type's params are checked with queue-job's bounds (400 naming the field, nothing created)
 * and priced by the work they ask for (protocolJob). Unknown keys are stored as sent: the Headless
 * worker reads keys of its own. Any other type must be registered in the task_types table, which
 * prices it; such tasks wait for pull-workers and never reach BullMQ. A user is held to queue-job's rate limit and in-flight cap.
 */
import { createTask, enforceInFlightCap, getProject, getTask, type Task } from '@gpuq/db';
import { HttpError, invalidRequestError } from '@gpuq/http';
import {
  type CreateTaskRequest,
  isProtocolTaskType,
  protocolJob,
  type RunType,
  type TravelOrchestratorParams,
} from '@gpuq/job-types';
import type { Scope } from '../scope.js';
import type { RouteContext } from '../settings.js';
import { createTravel } from '../travel/create-travel.js';
import { enqueueTasks } from './dispatch.js';
import { registeredTaskType } from './registered-task-type.js';

interface CheckedTask {
  params: Record<string, unknown>;
  credits: number;
  runType?: RunType;
}

/** Built-in types are checked and priced by code; any other must be registered (task_types). */
async function checkedTask(ctx: RouteContext, body: CreateTaskRequest): Promise<CheckedTask> {
  if (!isProtocolTaskType(body.task_type)) {
    const { credits, runType } = await registeredTaskType(ctx.db, body.task_type);
    return { params: body.params, credits, runType };
  }
  const checked = protocolJob(body.task_type, body.params);
  if (checked.success) {
    // The params as checked, unknown keys included; what the job data gets is mapped apart.
    const params = { ...body.params, ...(checked.data.params as Record<string, unknown>) };
    return { params, credits: checked.data.credits };
  }
  throw invalidRequestError(checked.error, 'params');
}

/** The project's owner, who pays; a user may only use their own projects. */
async function projectOwner(ctx: RouteContext, scope: Scope, projectId: string): Promise<string> {
  const project = await getProject(ctx.db, { projectId, userId: null });
  if (!project)
    throw new HttpError(404, 'not_found', `project ${projectId} not found`, { field: 'project_id' });
  if (scope.userId !== null && project.userId !== scope.userId) {
    throw new HttpError(403, 'forbidden', `project ${projectId} is not yours`, { field: 'project_id' });
  }
  return project.userId;
}

/**
 * What create-task refuses before it writes anything (type, params, project), without creating:
 * a client creating several tasks at once checks them all first, so a bad one creates none.
 */
export async function checkProtocolTask(
  ctx: RouteContext,
  scope: Scope,
  body: CreateTaskRequest,
): Promise<void> {
  await checkedTask(ctx, body);
  await projectOwner(ctx, scope, body.project_id);
}

async function isReady(ctx: RouteContext, task: Task): Promise<boolean> {
  for (const id of task.dependantOn) {
    if ((await getTask(ctx.db, { taskId: id }))?.status !== 'Complete') return false;
  }
  return true;
}

export async function createProtocolTask(
  ctx: RouteContext,
  scope: Scope,
  body: CreateTaskRequest,
): Promise<string> {
  const { params, credits, runType } = await checkedTask(ctx, body);
  // The service role is not a user: see TaskProtocolDeps.limits.
  const limited = scope.userId !== null ? ctx.limits : undefined;
  if (limited && scope.userId !== null) await limited.rateLimit(scope.userId);
  const userId = await projectOwner(ctx, scope, body.project_id);
  const owner = { userId, projectId: body.project_id, ...(body.task_id ? { taskId: body.task_id } : {}) };
  const created = await ctx.db.transaction(async (tx) => {
    // Counted over the owner's tasks, under a lock on their profile until this commits.
    if (limited) await enforceInFlightCap(tx, { userId, maxInFlight: limited.maxInFlight });
    if (body.task_type === 'travel_orchestrator') {
      const travel = await createTravel(tx, { ...owner, params: params as TravelOrchestratorParams });
      return [travel.orchestrator, ...travel.segments, travel.stitch];
    }
    const { task } = await createTask(tx, {
      ...owner,
      taskType: body.task_type,
      params,
      cost: credits,
      ...(runType ? { runType } : {}),
      dependantOn: body.dependant_on ?? [],
    });
    return [task];
  });
  const ready: Task[] = [];
  for (const task of created) if (await isReady(ctx, task)) ready.push(task);
  await enqueueTasks(ctx, ready);
  ctx.logger.info(
    { taskId: created[0]!.id, taskType: body.task_type, tasks: created.length },
    'task created',
  );
  return created[0]!.id;
}
