/**
 * get-completed-segments keyed by a caller-chosen run_id: a user sees only their own segments; the
 * service role must name the orchestrator (or the project), and then sees only that travel's.
 */
import { randomUUID } from 'node:crypto';
import { claimTask, completeTask, listTravelTasks } from '@gpuq/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { createTask, newUser, SERVICE_TOKEN, type TestUser } from './protocol-helpers.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(async () => {
  await api?.close();
});

const RUN_ID = `shared-run-${randomUUID()}`;

/** A two-segment travel under RUN_ID whose first segment is Complete; the orchestrator's id. */
async function travelWithOneSegmentDone(user: TestUser): Promise<string> {
  const orchestratorId = randomUUID();
  const response = await createTask(api, user.token, {
    task_id: orchestratorId,
    task_type: 'travel_orchestrator',
    project_id: user.projectId,
    params: {
      orchestrator_details: {
        base_prompts_expanded: ['a', 'b'],
        segment_frames_expanded: [9, 9],
        frame_overlap_expanded: [2],
        parsed_resolution_wh: '256x256',
        run_id: RUN_ID,
      },
    },
  });
  expect(response.status).toBe(200);
  const [first] = await listTravelTasks(api.services.db, orchestratorId);
  await claimTask(api.services.db, { taskId: first!.id, workerId: 'pull-1', attempt: 1 });
  await completeTask(api.services.db, {
    taskId: first!.id,
    outputLocation: `https://example.test/${user.userId}/segment.mp4`,
    attempt: 1,
  });
  return orchestratorId;
}

const segments = (token: string, body: Record<string, unknown>) =>
  api.request('/functions/v1/get-completed-segments', { token, json: body });

describe('get-completed-segments', () => {
  it("never mixes users' segments that share a run_id", async () => {
    const alice = await newUser(api);
    const mallory = await newUser(api);
    const aliceTravel = await travelWithOneSegmentDone(alice);
    await travelWithOneSegmentDone(mallory);

    const service = await segments(SERVICE_TOKEN, { run_id: RUN_ID });
    expect(service.status).toBe(400);
    expect(await service.json()).toMatchObject({ error: { field: 'orchestrator_task_id' } });

    const byOrchestrator = await segments(SERVICE_TOKEN, {
      run_id: RUN_ID,
      orchestrator_task_id: aliceTravel,
    });
    expect(byOrchestrator.status).toBe(200);
    expect(await byOrchestrator.json()).toEqual([
      { segment_index: 0, output_location: `https://example.test/${alice.userId}/segment.mp4` },
    ]);
    const byProject = await segments(SERVICE_TOKEN, { run_id: RUN_ID, project_id: mallory.projectId });
    expect(await byProject.json()).toEqual([
      { segment_index: 0, output_location: `https://example.test/${mallory.userId}/segment.mp4` },
    ]);

    // A user stays scoped to their own, and cannot name someone else's orchestrator.
    const own = await segments(alice.token, { run_id: RUN_ID });
    expect(await own.json()).toEqual([
      { segment_index: 0, output_location: `https://example.test/${alice.userId}/segment.mp4` },
    ]);
    const foreign = await segments(mallory.token, { run_id: RUN_ID, orchestrator_task_id: aliceTravel });
    expect(foreign.status).toBe(403);
  });
});
