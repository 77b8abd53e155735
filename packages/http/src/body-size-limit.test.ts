/**
 * The body size limit over real HTTP (@hono/node-server on a port, Node's fetch and raw sockets),
 * as clients send bodies: with a Content-Length, chunked, and none.
 */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodySizeLimit } from './body-size-limit.js';

const LIMIT = 1024;

describe('bodySizeLimit', () => {
  const app = new Hono();
  app.use('*', bodySizeLimit({ maxBytes: LIMIT, onTooLarge: (c) => c.json({ error: 'too large' }, 413) }));
  app.post('/echo', async (c) => c.json({ size: (await c.req.text()).length }));
  app.get('/hello', (c) => c.text('hello'));
  let server: ReturnType<typeof serve>;
  let port: number;
  beforeAll(async () => {
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: string | ReadableStream<Uint8Array>, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}/echo`, { method: 'POST', body, ...init });
  /** A chunked body, which fetch sends for a stream. */
  const chunked = (size: number) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent < size; sent += 256)
          controller.enqueue(new Uint8Array(Math.min(256, size - sent)));
        controller.close();
      },
    });

  it('reads a body within the limit whole, with a Content-Length', async () => {
    const response = await post('x'.repeat(LIMIT));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ size: LIMIT });
  });

  it('refuses a body over the limit by its Content-Length', async () => {
    const response = await post('x'.repeat(LIMIT + 1));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'too large' });
  });

  it('counts a chunked body as it streams', async () => {
    const within = await post(chunked(LIMIT), { duplex: 'half' } as RequestInit);
    expect(await within.json()).toEqual({ size: LIMIT });
    const over = await post(chunked(4 * LIMIT), { duplex: 'half' } as RequestInit);
    expect(over.status).toBe(413);
  });

  it('refuses a Content-Length over the limit before the body is sent', async () => {
    // Only the headers go out: the answer must not wait for a body that never comes.
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: ${10 * LIMIT}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text);
        }
      });
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 413/);
  });

  it('counts a body made in process without a Content-Length', async () => {
    expect((await app.request('/echo', { method: 'POST', body: 'x'.repeat(LIMIT + 1) })).status).toBe(413);
    expect(await (await app.request('/echo', { method: 'POST', body: 'small' })).json()).toEqual({ size: 5 });
  });

  it('lets a request without a body through', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/hello`);
    expect(await response.text()).toBe('hello');
  });
});
