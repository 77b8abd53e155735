/**
 * Per-second task types pay for the time they ran, as the reference frontend bills them
 * (banodoco/Reigh supabase/functions/calculate-task-cost/index.ts 23-36 and 211-214: base_cost_per_second x
 * max(1, ceil(seconds from generation_started_at to generation_processed_at))), at the rates its
 * task_types migrations publish. gpuq reserves at create time; the settlement returns what the run
 * did not use and never charges more than the reservation. Driven as the clients drive it: Reigh's
 * create-task with the user's token, the Headless worker's claim and complete_task with the
 * service key; the run's length is set by moving the claim's clock back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, PNG_1X1, SERVICE_KEY, startHarness } from '../harness.js';
import { HeadlessWorker, renderVideo } from './headless-worker.js';

let h: Harness;
let video: Buffer;
// Reigh's individual_travel_segment: 0.0278 credits per second, reserved for 180 s: ceil(5.004) = 6.
const RATE = 0.0278;
const RESERVED = 6;

beforeAll(async () => {
  h = await startHarness({ label: 'per_second' });
  video = await renderVideo(2, 16, 16, 90);
});
afterAll(async () => {
  await h?.close();
});

/** Creates, claims and completes one individual_travel_segment that ran `seconds` (0: at once). */
async function runFor(seconds: number): Promise<string> {
  const created = await h.post('/functions/v1/create-task', h.alice.jwt, {
    task_type: 'individual_travel_segment',
    project_id: h.alice.projectId,
    params: { prompt: 'a lighthouse at dusk' },
  });
  expect(created.status).toBe(200);
  const taskId = (await json(created)).task_id as string;
  const worker = new HeadlessWorker(h, SERVICE_KEY, 'gpu-20250801_120000-billing');
  expect((await worker.claim())?.task_id).toBe(taskId);
  await h.db.query(
    `update public.tasks set generation_started_at = generation_started_at - make_interval(secs => $2),
       claimed_at = claimed_at - make_interval(secs => $2) where id = $1`,
    [taskId, seconds],
  );
  const done = await worker.completeInline(taskId, video, 'segment.mp4');
  expect(done.status).toBe(200);
  return taskId;
}

async function settlement(taskId: string): Promise<{ amount: number; note: string | null }> {
  const { rows } = await h.db.query<{ amount: number; note: string | null }>(
    `select amount, note from public.credit_ledger where task_id = $1 and kind = 'settlement'`,
    [taskId],
  );
  expect(rows).toHaveLength(1);
  return rows[0]!;
}

describe('per_second task types settle on their run time', () => {
  it('a 60 s run pays ceil(0.0278 x 60) = 2 of the 6 reserved; 4 come back', async () => {
    const before = await h.credits(h.alice.userId);
    const taskId = await runFor(60);
    expect((await h.task(taskId)).cost).toBe(RESERVED);
    const charged = Math.ceil(RATE * 60);
    expect(await h.credits(h.alice.userId)).toBe(before - charged);
    const row = await settlement(taskId);
    expect(row.amount).toBe(RESERVED - charged);
    expect(row.note).toMatch(/^ran 6\d s at 0\.0278/);
  });

  it('a run of under a second pays for one second', async () => {
    const before = await h.credits(h.alice.userId);
    await runFor(0);
    expect(await h.credits(h.alice.userId)).toBe(before - Math.ceil(RATE * 1));
  });

  it('a run longer than the reservation pays the reservation, no more', async () => {
    const before = await h.credits(h.alice.userId);
    const taskId = await runFor(400);
    expect(Math.ceil(RATE * 400)).toBeGreaterThan(RESERVED);
    expect(await h.credits(h.alice.userId)).toBe(before - RESERVED);
    expect((await settlement(taskId)).amount).toBe(0);
  });

  it('a per_unit type still pays its price', async () => {
    const before = await h.credits(h.alice.userId);
    const created = await h.post('/functions/v1/create-task', h.alice.jwt, {
      task_type: 'qwen_image',
      project_id: h.alice.projectId,
      params: { prompt: 'an owl' },
    });
    const taskId = (await json(created)).task_id as string;
    // An API-only pull-worker claims it; its run lasts ten minutes.
    const claim = await h.post('/functions/v1/claim-next-task', SERVICE_KEY, {
      worker_id: 'api-20250801_120000-billing',
      run_type: 'api',
    });
    expect((await json(claim)).task_id).toBe(taskId);
    await h.db.query(
      `update public.tasks set generation_started_at = now() - interval '10 minutes' where id = $1`,
      [taskId],
    );
    const done = await h.post('/functions/v1/complete_task', SERVICE_KEY, {
      task_id: taskId,
      file_data: PNG_1X1.toString('base64'),
      filename: 'owl.png',
    });
    expect(done.status).toBe(200);
    // qwen_image: per_unit 0.039 → 1 credit, whatever the run time.
    expect(await h.credits(h.alice.userId)).toBe(before - 1);
    expect((await settlement(taskId)).amount).toBe(0);
  });
});
