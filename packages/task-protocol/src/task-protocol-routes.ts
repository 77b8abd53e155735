/**
 * The task protocol as one Hono app to mount at the root of queue-api:
 *
 *   POST /functions/v1/create-task (create_task) POST /functions/v1/task-counts
 *   POST /functions/v1/claim-next-task        POST /functions/v1/generate-upload-url
 *   POST /functions/v1/complete-task          POST /functions/v1/get-predecessor-output
 *   POST /functions/v1/complete_task          POST /functions/v1/get-completed-segments
 *   POST /functions/v1/update-task-status     POST /rest/v1/rpc/<allow-listed name>
 *                                             GET  /rest/v1/<allow-listed table>
 *                                   PATCH tasks, workers · DELETE tasks  /rest/v1/<table>
 *
 * The functions read the principal the app's authMiddleware set (or authenticate themselves with
 * `deps.authenticator` when none was set) and answer errors as `{ error: { code, message } }`;
 * the rpc routes authenticate themselves and answer PostgREST's `{ code, message, details, hint }`.
 * Building the app does no I/O.
 */

import { errorHandler } from '@gpuq/api-errors';
import { type AuthEnv, requireTokenScope } from '@gpuq/auth';
import { Hono } from 'hono';
import { claimNextTaskRoute } from './functions/claim-next-task.js';
import { completeTaskRoutes } from './functions/complete-task.js';
import { createTaskRoute } from './functions/create-task.js';
import { generateUploadUrlRoute } from './functions/generate-upload-url.js';
import { getCompletedSegmentsRoute } from './functions/get-completed-segments.js';
import { getPredecessorOutputRoute } from './functions/get-predecessor-output.js';
import { taskCountsRoute } from './functions/task-counts.js';
import { updateTaskStatusRoute } from './functions/update-task-status.js';
import { restRoutes } from './rest/rest-routes.js';
import { rpcRoutes } from './rpc/rpc-routes.js';
import { ensurePrincipal } from './scope.js';
import { type RouteContext, resolveSettings, type TaskProtocolDeps } from './settings.js';

/** The functions under /functions/v1: with the rpc, all that a `tasks`-scoped token reaches. */
export const TASK_PROTOCOL_FUNCTIONS = [
  'create-task',
  'create_task',
  'claim-next-task',
  'complete-task',
  'complete_task',
  'update-task-status',
  'task-counts',
  'generate-upload-url',
  'get-predecessor-output',
  'get-completed-segments',
] as const;

export function routeContext(deps: TaskProtocolDeps): RouteContext {
  return { ...deps, settings: resolveSettings(deps.settings) };
}

export function taskProtocolRoutes(deps: TaskProtocolDeps): Hono<AuthEnv> {
  const ctx = routeContext(deps);
  const functions = new Hono<AuthEnv>();
  functions.onError(errorHandler(ctx.logger));
  functions.use('*', ensurePrincipal(ctx.authenticator));
  // Per path: this app is mounted beside queue-api's own /functions/v1 routes.
  for (const name of TASK_PROTOCOL_FUNCTIONS) functions.use(`/${name}`, requireTokenScope('tasks'));
  createTaskRoute(functions, ctx);
  claimNextTaskRoute(functions, ctx);
  completeTaskRoutes(functions, ctx);
  updateTaskStatusRoute(functions, ctx);
  taskCountsRoute(functions, ctx);
  generateUploadUrlRoute(functions, ctx);
  getPredecessorOutputRoute(functions, ctx);
  getCompletedSegmentsRoute(functions, ctx);

  const app = new Hono<AuthEnv>();
  app.route('/functions/v1', functions);
  app.route('/rest/v1', rpcRoutes(ctx));
  app.route('/rest/v1', restRoutes(ctx));
  return app;
}
