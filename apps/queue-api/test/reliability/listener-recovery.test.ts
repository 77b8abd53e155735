/**
 * The LISTEN connection after a Postgres outage: a 5 s refused cut, then recovery. The listener
 * logs the loss and the recovery and listens again; an event stream opened before the cut gets
 * the current state of a job that changed while nobody heard, and the next job's events; the
 * dependency dispatcher sweeps at once and enqueues a dependant whose parent completed during the
 * outage. Short settings: the listener is probed every 500 ms, connections wait at most 1 s.
 */
import { randomUUID } from 'node:crypto';
import { completeTask } from '@gpuq/db';
import { taskSpec } from '@gpuq/job-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECRETS } from '../api-harness.js';
import {
  type EventStream,
  openEventStream,
  type ProxiedApi,
  readiness,
  sleep,
  startProxiedApi,
} from './support.js';

let env: ProxiedApi;
beforeAll(async () => {
  env = await startProxiedApi(
    {
      DB_LISTENER_HEARTBEAT_MS: '500',
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_STATEMENT_TIMEOUT_MS: '2000',
      REQUEST_DEADLINE_MS: '3000',
      READINESS_TIMEOUT_MS: '1000',
    },
    { background: true },
  );
}, 60_000);
afterAll(async () => {
  await env?.close();
});

async function createProtocolTask(projectId: string, dependantOn: string[]): Promise<string> {
  const taskId = randomUUID();
  const response = await env.api.request('/functions/v1/create-task', {
    token: SECRETS.SUPABASE_SERVICE_ROLE_KEY,
    json: {
      task_id: taskId,
      params: { prompt: 'a lantern' },
      task_type: 'single_image',
      project_id: projectId,
      dependant_on: dependantOn,
    },
  });
  expect(response.status).toBe(200);
  return taskId;
}

describe('Postgres LISTEN after a refused cut', () => {
  it('reconnects, logs it, catches streams and the dispatcher up, and streams the next job', async () => {
    const { api, proxy, direct, logs } = env;
    const token = await api.token(randomUUID());
    const created = await api.request('/v1/projects', { token, json: { name: 'Outage' } });
    const { project } = (await created.json()) as { project: { id: string } };
    const parent = await createProtocolTask(project.id, []);
    const child = await createProtocolTask(project.id, [parent]);
    const claimed = await api.request('/functions/v1/claim-next-task', {
      token: SECRETS.SUPABASE_SERVICE_ROLE_KEY,
      json: { worker_id: 'pull-worker', run_type: 'gpu' },
    });
    expect(((await claimed.json()) as { task_id: string }).task_id).toBe(parent);
    const queue = api.services.queues.queue(taskSpec('single_image').queue);
    expect(await queue.getJob(child)).toBeUndefined();

    let stream: EventStream | undefined;
    try {
      stream = await openEventStream(api, token);
      await proxy.cut();
      // A pull-worker completes the parent on another path while this api hears nothing.
      await completeTask(direct, { taskId: parent, outputLocation: 'https://cdn.example.com/p.png' });
      await sleep(5_000);
      expect((await readiness(api)).status).toBe(503);
      await proxy.restore();

      await expect
        .poll(async () => (await readiness(api)).status, { timeout: 15_000, interval: 250 })
        .toBe(200);
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          msg: expect.stringMatching(/^postgres listener lost its connection/),
        }),
      );
      expect(logs).toContainEqual(
        expect.objectContaining({
          level: 'info',
          msg: expect.stringMatching(/^postgres listener reconnected/),
        }),
      );

      // The stream gets the state it missed.
      await expect
        .poll(() => stream?.jobs.find((job) => job.id === parent)?.status, { timeout: 10_000 })
        .toBe('completed');
      // The dispatcher swept at once (its periodic sweep is 30 s away) and enqueued the child.
      await expect.poll(async () => (await queue.getJob(child))?.id, { timeout: 10_000 }).toBe(child);
      // Swept as its listener came back, or (the cut ended the leader lock's session too) as this
      // instance led again and the loops started afresh, the dispatcher with a first sweep.
      const sweptOnReconnect = logs.some(
        (line) => line.msg === 'dependency dispatcher swept after the listener reconnected',
      );
      const ledAgain = logs.filter((line) => line.msg === 'leading').length === 2;
      expect(sweptOnReconnect || ledAgain).toBe(true);

      // And the next job's events arrive as they happen.
      const next = await api.request('/functions/v1/queue-job', { token, json: { jobType: 'image_fast' } });
      expect(next.status).toBe(200);
      const { job } = (await next.json()) as { job: { id: string } };
      await expect
        .poll(() => stream?.jobs.some((event) => event.id === job.id), { timeout: 10_000 })
        .toBe(true);
      const cancel = await api.request(`/v1/jobs/${job.id}/cancel`, { method: 'POST', token });
      expect(cancel.status).toBe(200);
      await expect
        .poll(() => stream?.jobs.filter((event) => event.id === job.id).map((event) => event.status), {
          timeout: 10_000,
        })
        .toContain('cancelled');
    } finally {
      stream?.close();
    }
  }, 90_000);
});
