/**
 * POST /functions/v1/get-completed-segments `{ run_id?, project_id?, orchestrator_task_id? }`
 * (`orchestrator_id`, the seed's name, is the same; without run_id the orchestrator's run) → the
 * Complete travel segments of that run, `[{ segment_index, output_location }]` by index. The run_id
 * is the client's choice, so it is never the only key: a user sees their own segments; the
 * service role must name the orchestrator (its owner's segments in its project) or the project.
 */
import type { AuthEnv } from '@gpuq/auth';
import { getCompletedSegments, getProject } from '@gpuq/db';
import { HttpError, parseJsonBody } from '@gpuq/http';
import { CompletedSegmentsRequest, type CompletedSegmentsResponse } from '@gpuq/job-types';
import type { Hono } from 'hono';
import { callerScope, taskInScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export function getCompletedSegmentsRoute(app: Hono<AuthEnv>, ctx: RouteContext): void {
  app.post('/get-completed-segments', async (c) => {
    const scope = callerScope(c);
    const request = await parseJsonBody(c, CompletedSegmentsRequest);
    const body = {
      ...request,
      orchestrator_task_id: request.orchestrator_task_id ?? request.orchestrator_id,
    };
    if (scope.userId === null && !body.orchestrator_task_id && !body.project_id) {
      throw new HttpError(
        400,
        'invalid_request',
        'orchestrator_task_id (or project_id) is required with the service role: run_id alone names no travel',
        { field: 'orchestrator_task_id' },
      );
    }
    let userId = scope.userId;
    let projectId = body.project_id ?? null;
    let runId = body.run_id;
    if (body.orchestrator_task_id) {
      const orchestrator = await taskInScope(ctx.db, scope, body.orchestrator_task_id);
      if (orchestrator.taskType !== 'travel_orchestrator') {
        throw new HttpError(400, 'invalid_request', 'orchestrator_task_id must name a travel_orchestrator', {
          field: 'orchestrator_task_id',
        });
      }
      if (projectId !== null && projectId !== orchestrator.projectId) return c.json([]);
      userId = orchestrator.userId;
      projectId = orchestrator.projectId;
      const orchestratorRun = orchestrator.params.orchestrator_run_id;
      runId ??= typeof orchestratorRun === 'string' ? orchestratorRun : orchestrator.id;
    } else if (projectId !== null) {
      const project = await getProject(ctx.db, { projectId, userId: null });
      if (!project) throw new HttpError(404, 'not_found', `project ${projectId} not found`);
      if (scope.userId !== null && project.userId !== scope.userId) {
        throw new HttpError(403, 'forbidden', `project ${projectId} is not yours`);
      }
      userId = project.userId;
    }
    if (runId === undefined) {
      throw new HttpError(400, 'invalid_request', 'run_id is required unless an orchestrator is named', {
        field: 'run_id',
      });
    }
    const segments = await getCompletedSegments(ctx.db, { runId, projectId, userId });
    const answer: CompletedSegmentsResponse = segments
      .filter((segment) => segment.outputLocation !== null)
      .map((segment) => ({ segment_index: segment.segmentIndex, output_location: segment.outputLocation! }));
    return c.json(answer);
  });
}
