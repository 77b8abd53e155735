/**
 * POST /functions/v1/task-counts `{ run_type?, include_active? }` → `{ totals }` for the caller's
 * scope: the protocol's `queued` / `in_progress`, and the names the current Headless worker reads
 * (`queued_only` = claimable now; it skips its claim when that is 0).
 */
import type { AuthEnv } from '@gpuq/auth';
import { claimableTaskCounts, countTasks } from '@gpuq/db';
import { parseJsonBody } from '@gpuq/http';
import { TaskCountsRequest, type TaskCountsResponse } from '@gpuq/job-types';
import type { Hono } from 'hono';
import { callerScope } from '../scope.js';
import type { RouteContext } from '../settings.js';

export function taskCountsRoute(app: Hono<AuthEnv>, ctx: RouteContext): void {
  app.post('/task-counts', async (c) => {
    const scope = callerScope(c);
    const body = await parseJsonBody(c, TaskCountsRequest);
    const filter = { runType: body.run_type ?? null, userId: scope.userId };
    const [counts, claimable] = await Promise.all([
      countTasks(ctx.db, { ...filter, includeActive: body.include_active ?? true }),
      claimableTaskCounts(ctx.db, filter),
    ]);
    const answer: TaskCountsResponse = {
      totals: {
        queued: counts.queued,
        in_progress: counts.inProgress,
        queued_only: claimable.claimable,
        eligible_queued: claimable.claimable,
        active_only: counts.inProgress,
        queued_plus_active: counts.queued + counts.inProgress,
        blocked_by_deps: claimable.blockedByDeps,
      },
    };
    return c.json(answer);
  });
}
