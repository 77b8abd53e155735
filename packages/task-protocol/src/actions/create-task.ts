/**
 * create-task: a protocol task in one of the caller's projects, its credits reserved in the same
 * transaction. A travel_orchestrator is expanded there and then into its segments and stitch.
 * Tasks that are claimable at once are enqueued for our BullMQ fleet after the commit.
 */
import { createTask, getProject, getTask, type Task } from '@gpuq/db';
import { HttpError } from '@gpuq/http';
import {
  type CreateTaskRequest,
  describeValidationError,
  SingleImageParams,
  TravelOrchestratorParams,
} from '@gpuq/job-types';
import type { z } from 'zod';
import type { Scope } from '../scope.js';
import type { RouteContext } from '../settings.js';
import { createTravel } from '../travel/create-travel.js';
import { enqueueTasks } from './dispatch.js';

// Params we act on are checked; segment and stitch params written by other clients (the Headless
// worker's own orchestrator) are kept as sent, like every other key the worker adds.
const CHECKED_PARAMS: Partial<Record<CreateTaskRequest['task_type'], z.ZodType>> = {
  single_image: SingleImageParams,
  travel_orchestrator: TravelOrchestratorParams,
};

function checkedParams(body: CreateTaskRequest): Record<string, unknown> {
  const schema = CHECKED_PARAMS[body.task_type];
  if (!schema) return body.params;
  const parsed = schema.safeParse(body.params);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const { error } = describeValidationError(parsed.error);
  const field = error.field ? `params.${error.field}` : 'params';
  throw new HttpError(400, 'invalid_request', `params.${error.message}`, { field });
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
  const params = checkedParams(body);
  const userId = await projectOwner(ctx, scope, body.project_id);
  const owner = { userId, projectId: body.project_id, ...(body.task_id ? { taskId: body.task_id } : {}) };
  const created = await ctx.db.transaction(async (tx) => {
    if (body.task_type === 'travel_orchestrator') {
      const travel = await createTravel(tx, { ...owner, params: params as TravelOrchestratorParams });
      return [travel.orchestrator, ...travel.segments, travel.stitch];
    }
    const { task } = await createTask(tx, {
      ...owner,
      taskType: body.task_type,
      params,
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
