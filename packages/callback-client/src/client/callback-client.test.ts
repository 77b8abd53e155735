import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from '@gpuq/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { issueCallbackCredential } from '../signing/callback-credential.js';
import { CALLBACK_EXPIRES_HEADER, verifySignature } from '../signing/request-signature.js';
import { createCallbackClient } from './callback-client.js';
import { CallbackDeliveryError, CallbackRejectedError } from './errors.js';

const secret = 'callback-secret-for-tests-0123456789';

type Handler = (body: string, request: IncomingMessage, response: ServerResponse) => void;

/** A real HTTP endpoint that checks each signature the way the service does. */
async function listen(port: number, handler: Handler): Promise<Server> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => handler(body, request, response));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

function verified(body: string, request: IncomingMessage): boolean {
  const { jobId } = JSON.parse(body) as { jobId: string };
  return (
    verifySignature({
      secret,
      jobId,
      rawBody: body,
      headers: {
        timestamp: request.headers['x-gpuq-timestamp'] as string,
        signature: request.headers['x-gpuq-signature'] as string,
        expiresAt: request.headers[CALLBACK_EXPIRES_HEADER] as string,
      },
    }) === null
  );
}

function job() {
  const taskId = randomUUID();
  const credential = issueCallbackCredential(secret, taskId);
  return { taskId, callbackToken: credential.token, callbackExpiresAt: credential.expiresAt };
}

const reply = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
};

describe('callback client over real HTTP', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  it('signs each attempt and retries 5xx until the service answers', async () => {
    const port = await freePort();
    const bodies: string[] = [];
    servers.push(
      await listen(port, (body, request, response) => {
        expect(verified(body, request)).toBe(true);
        bodies.push(body);
        if (bodies.length < 3)
          return reply(response, 503, { error: { code: 'unavailable', message: 'busy' } });
        reply(response, 200, { job: { id: JSON.parse(body).jobId, status: 'completed' } });
      }),
    );
    const client = createCallbackClient({
      url: `http://127.0.0.1:${port}/cb`,
      baseDelayMs: 10,
      maxDelayMs: 20,
    });
    const credential = job();
    const result = await client.send(credential, { status: 'completed', imageUrls: ['a.png'] });
    expect(result).toMatchObject({ id: credential.taskId, status: 'completed' });
    expect(bodies).toHaveLength(3);
    expect(new Set(bodies).size).toBe(1);
  });

  it('does not retry a 4xx, and marks 409 as a conflict', async () => {
    const port = await freePort();
    let calls = 0;
    servers.push(
      await listen(port, (_body, _request, response) => {
        calls += 1;
        reply(response, 409, { error: { code: 'conflict', message: 'held by an http worker' } });
      }),
    );
    const client = createCallbackClient({ url: `http://127.0.0.1:${port}/cb`, baseDelayMs: 10 });
    const error = await client.send(job(), { status: 'processing' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallbackRejectedError);
    expect((error as CallbackRejectedError).isConflict).toBe(true);
    expect(calls).toBe(1);
  });

  it('lands the result once a service that was down comes back', async () => {
    const port = await freePort();
    const retries: string[] = [];
    const sending = createCallbackClient({
      url: `http://127.0.0.1:${port}/cb`,
      baseDelayMs: 20,
      maxDelayMs: 50,
      onRetry: ({ reason }) => retries.push(reason),
    }).send(job(), { status: 'completed' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    servers.push(
      await listen(port, (body, _request, response) =>
        reply(response, 200, { job: { id: JSON.parse(body).jobId } }),
      ),
    );
    await expect(sending).resolves.toHaveProperty('id');
    expect(retries.length).toBeGreaterThan(0);
  });

  it('gives up on an attempt whose answer does not come within requestTimeoutMs, and retries it', async () => {
    const port = await freePort();
    let attempts = 0;
    servers.push(
      await listen(port, (body, _request, response) => {
        attempts += 1;
        // The first attempt is held until the client has long given up on it.
        if (attempts === 1) setTimeout(() => reply(response, 200, { job: { id: 'too late' } }), 1_500);
        else reply(response, 200, { job: { id: JSON.parse(body).jobId } });
      }),
    );
    const retries: string[] = [];
    const started = Date.now();
    const sent = await createCallbackClient({
      url: `http://127.0.0.1:${port}/cb`,
      requestTimeoutMs: 200,
      baseDelayMs: 10,
      maxDelayMs: 20,
      onRetry: ({ reason }) => retries.push(reason),
    }).send(job(), { status: 'processing' });
    expect(sent.id).not.toBe('too late');
    expect(attempts).toBe(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/timeout/i);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('stops at once when its signal is aborted', async () => {
    const port = await freePort();
    servers.push(await listen(port, () => undefined));
    const controller = new AbortController();
    const sending = createCallbackClient({ url: `http://127.0.0.1:${port}/cb` }).send(
      job(),
      { status: 'processing' },
      controller.signal,
    );
    setTimeout(() => controller.abort(new Error('job cancelled')), 100);
    await expect(sending).rejects.toThrow('job cancelled');
  });

  it('gives up after its time bound with a clear error', async () => {
    const port = await freePort();
    const client = createCallbackClient({
      url: `http://127.0.0.1:${port}/cb`,
      baseDelayMs: 10,
      maxDelayMs: 20,
      maxElapsedMs: 200,
    });
    const error = await client.send(job(), { status: 'completed' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallbackDeliveryError);
    expect((error as Error).message).toMatch(/unreachable after \d+ attempts/);
  });

  it('transfers to a signed URL through the same retries, and names storage when it refuses', async () => {
    const port = await freePort();
    const seen: string[] = [];
    servers.push(
      await listen(port, (body, request, response) => {
        seen.push(`${request.method} ${body.length}`);
        if (request.url === '/gone')
          return reply(response, 404, { error: { code: 'not_found', message: 'no' } });
        if (seen.length < 2) return reply(response, 503, {});
        reply(response, 200, { ok: true });
      }),
    );
    const client = createCallbackClient({
      url: `http://127.0.0.1:${port}/cb`,
      baseDelayMs: 10,
      maxDelayMs: 20,
    });
    const bytes = new Uint8Array([1, 2, 3, 4]);
    const put = await client.transfer(`http://127.0.0.1:${port}/upload`, { method: 'PUT', body: bytes });
    expect(put.status).toBe(200);
    // The same bytes were sent again after the 503.
    expect(seen).toEqual(['PUT 4', 'PUT 4']);
    const error = await client
      .transfer(`http://127.0.0.1:${port}/gone`, { method: 'GET' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CallbackRejectedError);
    expect(error).toMatchObject({ status: 404, target: 'storage', reason: 'no' });
  });
});
