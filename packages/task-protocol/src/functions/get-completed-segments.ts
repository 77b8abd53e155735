/**
 * POST /functions/v1/get-completed-segments `{ run_id, project_id? }` → the Complete travel
 * segments of that run in the caller's scope, `[{ segment_index, output_location }]` by index.
 */
import type { AuthEnv } from '@gpuq/auth';
import { getCompletedSegments, getProject } from '@gpuq/db';
import { HttpError, parseJsonBody } from '@gpuq/http';
import { CompletedSegmentsRequest, type CompletedSegmentsResponse } from '@gpuq/job-types';
import type { Hono } from 'hono';
import { callerScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export function getCompletedSegmentsRoute(app: Hono<AuthEnv>, ctx: RouteContext): void {
  app.post('/get-completed-segments', async (c) => {
    const scope = callerScope(c);
    const body = await parseJsonBody(c, CompletedSegmentsRequest);
    if (body.project_id) {
      const project = await getProject(ctx.db, { projectId: body.project_id, userId: null });
      if (!project) throw new HttpError(404, 'not_found', `project ${body.project_id} not found`);
      if (scope.userId !== null && project.userId !== scope.userId) {
        throw new HttpError(403, 'forbidden', `project ${body.project_id} is not yours`);
      }
    }
    const segments = await getCompletedSegments(ctx.db, {
      runId: body.run_id,
      projectId: body.project_id ?? null,
      userId: scope.userId,
    });
    const answer: CompletedSegmentsResponse = segments
      .filter((segment) => segment.outputLocation !== null)
      .map((segment) => ({ segment_index: segment.segmentIndex, output_location: segment.outputLocation! }));
    return c.json(answer);
  });
}
