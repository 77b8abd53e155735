/**
 * A client that behaves like the Headless worker's db_operations.py: plain HTTP, its JSON bodies
 * and headers, nothing from this codebase. Claim → complete (base64) → the next task reads its
 * predecessor's output → complete through generate-upload-url and a signed PUT → failures.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, json, PNG_1X1, SERVICE_KEY, startHarness } from './harness.js';

let h: Harness;
const WORKER = 'gpu-20250723_221138-afa8403b';

beforeAll(async () => {
  h = await startHarness({ label: 'pyclient', settings: { uploadBase64MaxBytes: 4096 } });
});
afterAll(async () => {
  await h?.close();
});

/** `httpx.post(url, json=payload, headers={"Content-Type": ..., "Authorization": "Bearer ..."})` */
async function edge(fn: string, payload: unknown, token = h.alice.pat): Promise<Response> {
  return fetch(`${h.base}/functions/v1/${fn}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(payload),
  });
}

/** add_task_to_db: a uuid4 of its own, `dependant_on` null or one id. */
async function addTask(prompt: string, dependantOn: string | null): Promise<string> {
  const taskId = randomUUID();
  const resp = await edge('create-task', {
    task_id: taskId,
    params: { prompt, project_id: h.alice.projectId },
    task_type: 'single_image',
    project_id: h.alice.projectId,
    dependant_on: dependantOn,
  });
  expect(resp.status).toBe(200);
  return taskId;
}

async function claimOne(): Promise<{ task_id: string; params: Record<string, unknown> }> {
  const counts = await json(await edge('task-counts', { run_type: 'gpu', include_active: true }));
  expect(counts.totals.queued_only).toBeGreaterThan(0);
  const resp = await edge('claim-next-task', { worker_id: WORKER, run_type: 'gpu' });
  expect(resp.status).toBe(200);
  return json(resp);
}

describe('a Headless-style pull-worker', () => {
  let first: string;
  let second: string;
  let firstUrl: string;

  it('claims and completes with a base64 file; the public URL serves it and a generation exists', async () => {
    first = await addTask('a lighthouse', null);
    second = await addTask('the same lighthouse at night', first);
    const claimed = await claimOne();
    expect(claimed.task_id).toBe(first);

    const resp = await edge('complete_task', {
      task_id: first,
      file_data: PNG_1X1.toString('base64'),
      filename: 'lighthouse.png',
    });
    expect(resp.status).toBe(200);
    const answer = await json(resp);
    expect(answer).toMatchObject({ success: true, message: expect.any(String) });
    firstUrl = answer.public_url;
    expect(firstUrl).toBe(
      `${h.storageBase}/object/public/single_image/${h.alice.userId}/tasks/${first}/lighthouse.png`,
    );
    expect(answer.thumbnail_url).toBe(firstUrl);
    const download = await fetch(firstUrl);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PNG_1X1);

    const task = await h.task(first);
    expect(task).toMatchObject({ status: 'Complete', outputLocation: firstUrl, generationCreated: true });
    const { rows } = await h.db.query('select location from public.generations where task_id = $1', [first]);
    expect(rows).toEqual([{ location: firstUrl }]);
    expect(await h.credits(h.alice.userId)).toBe(100 - 2);
  });

  it('reads the predecessor output, then completes through a signed upload (storage_path mode)', async () => {
    const claimed = await claimOne();
    expect(claimed.task_id).toBe(second);
    const predecessor = await json(await edge('get-predecessor-output', { task_id: second }));
    expect(predecessor).toEqual({ predecessor_id: first, output_location: firstUrl });

    const upload = await json(
      await edge('generate-upload-url', {
        task_id: second,
        filename: 'night.png',
        content_type: 'image/png',
        generate_thumbnail_url: true,
      }),
    );
    expect(upload.storage_path).toBe(`${h.alice.userId}/tasks/${second}/night.png`);
    const put = await fetch(upload.upload_url, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
      body: PNG_1X1,
    });
    expect(put.status).toBeLessThan(300);
    const thumbPut = await fetch(upload.thumbnail_upload_url, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/jpeg' },
      body: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]),
    });
    expect(thumbPut.status).toBeLessThan(300);

    const resp = await edge('complete_task', {
      task_id: second,
      storage_path: upload.storage_path,
      thumbnail_storage_path: upload.thumbnail_storage_path,
    });
    expect(resp.status).toBe(200);
    const answer = await json(resp);
    expect(answer.public_url).toContain(`/tasks/${second}/night.png`);
    expect(answer.thumbnail_url).toContain(upload.thumbnail_storage_path);
    expect((await h.task(second)).status).toBe('Complete');
  });

  it('refuses a storage path of another task, a missing object and a foreign folder', async () => {
    const third = await addTask('third', null);
    await claimOne();
    const cases: Array<[unknown, number]> = [
      [{ task_id: third, storage_path: `${h.alice.userId}/tasks/${second}/night.png` }, 403],
      [{ task_id: third, storage_path: `${h.alice.userId}/nowhere.png` }, 404],
      [{ task_id: third, storage_path: `${h.bob.userId}/tasks/${third}/x.png` }, 403],
    ];
    for (const [body, status] of cases) expect((await edge('complete-task', body)).status).toBe(status);
    // Then the worker reports the failure the way _mark_task_failed_via_edge_function does.
    const before = await h.credits(h.alice.userId);
    const failed = await edge('update-task-status', {
      task_id: third,
      status: 'Failed',
      output_location: 'Upload failed: [EDGE_FAIL:complete_task:HTTP_404]',
    });
    expect(failed.status).toBe(200);
    expect(await json(failed)).toMatchObject({ success: true, task_id: third, status: 'Failed' });
    expect(await h.task(third)).toMatchObject({
      status: 'Failed',
      errorMessage: 'Upload failed: [EDGE_FAIL:complete_task:HTTP_404]',
    });
    expect(await h.credits(h.alice.userId)).toBe(before + 1);
  });

  it('validates base64 files: size over UPLOAD_BASE64_MAX_BYTES (413), content not matching its name (415)', async () => {
    const fourth = await addTask('fourth', null);
    await claimOne();
    const big = await edge('complete_task', {
      task_id: fourth,
      file_data: Buffer.alloc(5000, 1).toString('base64'),
      filename: 'big.png',
    });
    expect(big.status).toBe(413);
    expect((await json(big)).error).toMatchObject({ code: 'payload_too_large', field: 'file_data' });
    const html = await edge('complete_task', {
      task_id: fourth,
      file_data: Buffer.from('<html><script>alert(1)</script></html>').toString('base64'),
      filename: 'page.png',
    });
    expect(html.status).toBe(415);
    const script = await edge('complete_task', {
      task_id: fourth,
      file_data: PNG_1X1.toString('base64'),
      filename: 'x.html',
    });
    expect(script.status).toBe(415);
    expect((await h.task(fourth)).status).toBe('In Progress');
  });

  it('heartbeats over the rpc with only an apikey header, as the guardian process does', async () => {
    const fourthId = (
      await h.db.query<{ id: string }>("select id from public.tasks where status = 'In Progress'")
    ).rows[0]!.id;
    const resp = await fetch(`${h.base}/rest/v1/rpc/func_worker_heartbeat_with_logs`, {
      method: 'POST',
      headers: { apikey: SERVICE_KEY, 'Content-Type': 'application/json', Prefer: 'return=representation' },
      body: JSON.stringify({
        worker_id_param: WORKER,
        vram_total_mb_param: 24576,
        vram_used_mb_param: 1024,
        logs_param: [{ level: 'INFO', message: 'generating' }],
        current_task_id_param: fourthId,
        status_param: 'active',
      }),
    });
    expect(resp.status).toBe(200);
    expect(await json(resp)).toEqual({
      success: true,
      worker_id: WORKER,
      task_heartbeat: true,
      claims_kept: 1,
      logs_received: 1,
    });
  });
});
