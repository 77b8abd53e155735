/**
 * `GET /v1/events` outlives the request that authenticated it: the stream re-checks its credential
 * on a timer and at its expiry and ends when it is refused, and one user holds only a few streams,
 * counted over every api instance that shares the Redis.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiHarness, startApi } from '../api-harness.js';
import { type OpenStream, openEventStream } from './support/event-stream.js';

const MAX_STREAMS = 3;
let api: ApiHarness;
const open: OpenStream[] = [];
beforeAll(async () => {
  api = await startApi({ SSE_CREDENTIAL_RECHECK_S: '1', SSE_MAX_STREAMS_PER_USER: String(MAX_STREAMS) });
});
afterAll(async () => {
  for (const stream of open) await stream.stop();
  await api?.close();
});

async function watch(token: string, on: ApiHarness = api): Promise<OpenStream> {
  const stream = await openEventStream(on.url, token);
  open.push(stream);
  return stream;
}

async function queueJob(token: string): Promise<string> {
  const response = await api.request('/functions/v1/queue-job', { token, json: { jobType: 'image_fast' } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { job: { id: string } }).job.id;
}

describe('credential re-checks', () => {
  it('ends a stream once its personal access token is revoked, and sends nothing after', async () => {
    const userId = randomUUID();
    const jwt = await api.token(userId);
    const minted = await api.request('/v1/tokens', { token: jwt, json: { name: 'dashboard' } });
    const { token, id } = (await minted.json()) as { token: string; id: string };
    const stream = await watch(token);
    expect(stream.status).toBe(200);
    const before = await queueJob(jwt);
    await expect.poll(() => stream.text(), { timeout: 10_000 }).toContain(before);

    expect((await api.request(`/v1/tokens/${id}`, { method: 'DELETE', token: jwt })).status).toBe(204);
    await expect.poll(() => stream.isEnded(), { timeout: 5_000 }).toBe(true);
    expect(stream.text()).toMatch(/event: end\ndata: .*token revoked/);
    const after = await queueJob(jwt);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stream.text()).not.toContain(after);
    // And it cannot reconnect.
    expect((await watch(token)).status).toBe(401);
  });

  it('ends a stream when its JWT expires', async () => {
    const token = await api.token(randomUUID(), { expiresIn: 4 });
    const stream = await watch(token);
    expect(stream.status).toBe(200);
    await expect.poll(() => stream.isEnded(), { timeout: 8_000 }).toBe(true);
    expect(stream.text()).toMatch(/event: end\ndata: .*expired/);
  });

  it('keeps a stream with a live credential open', async () => {
    const token = await api.token(randomUUID());
    const stream = await watch(token);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(stream.isEnded()).toBe(false);
    await stream.stop();
  });
});

describe('streams per user', () => {
  it(`lets one user open ${MAX_STREAMS} streams at once; more are 429 JSON; others are not affected`, async () => {
    const alice = await api.token(randomUUID());
    const streams = await Promise.all(Array.from({ length: 20 }, () => watch(alice)));
    const statuses = streams.map((stream) => stream.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(MAX_STREAMS);
    expect(statuses.filter((status) => status === 429)).toHaveLength(20 - MAX_STREAMS);
    const refused = streams.find((stream) => stream.status === 429)!;
    expect(await refused.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('SSE_MAX_STREAMS_PER_USER') },
    });
    expect((await watch(await api.token(randomUUID()))).status).toBe(200);

    // Closing a stream gives its slot back.
    await streams.find((stream) => stream.status === 200)!.stop();
    await expect.poll(async () => (await watch(alice)).status, { timeout: 5_000, interval: 200 }).toBe(200);
  });

  it("counts one user's streams over every api instance sharing the Redis", async () => {
    const second = await startApi({
      QUEUE_PREFIX: api.env.QUEUE_PREFIX,
      SSE_MAX_STREAMS_PER_USER: String(MAX_STREAMS),
    });
    try {
      const bob = await api.token(randomUUID());
      const held = [await watch(bob, api), await watch(bob, second)];
      for (let i = 2; i < MAX_STREAMS; i += 1) held.push(await watch(bob, i % 2 ? api : second));
      expect(held.map((stream) => stream.status)).toEqual(Array(MAX_STREAMS).fill(200));
      expect((await watch(bob, second)).status).toBe(429);
      expect((await watch(bob, api)).status).toBe(429);
      // A slot given back on one instance can be taken on the other.
      await held[0]!.stop();
      await expect
        .poll(async () => (await watch(bob, second)).status, { timeout: 5_000, interval: 200 })
        .toBe(200);
    } finally {
      for (const stream of open) await stream.stop();
      await second.close();
    }
  });
});
