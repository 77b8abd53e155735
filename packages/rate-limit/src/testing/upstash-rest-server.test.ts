/**
 * The Upstash REST fixture against the real @upstash/redis client and raw HTTP, over the machine's
 * Redis: if the client works against it, the Upstash store's tests mean something.
 */
import { TEST_REDIS_URL, uniqueSuffix } from '@gpuq/testing';
import { Redis as UpstashRedis } from '@upstash/redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpstashRestServer, type UpstashRestServer } from './upstash-rest-server.js';

const TOKEN = 'fixture-token';
const ns = `gpuq-test:upstash:${uniqueSuffix()}`;
let server: UpstashRestServer;
let client: UpstashRedis;
const direct = new Redis(TEST_REDIS_URL, { lazyConnect: true });

beforeAll(async () => {
  server = await startUpstashRestServer({ redisUrl: TEST_REDIS_URL, token: TOKEN });
  client = new UpstashRedis({ url: server.url, token: TOKEN, enableTelemetry: false, retry: false });
  await direct.connect();
});

afterAll(async () => {
  const keys = await direct.keys(`${ns}:*`);
  if (keys.length > 0) await direct.del(...keys);
  await direct.quit();
  await server?.close();
});

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('Upstash REST fixture', () => {
  it('rejects a missing or bad token with 401, for raw HTTP and for the client', async () => {
    const none = await fetch(`${server.url}/`, { method: 'POST', body: '["PING"]' });
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: 'Unauthorized' });
    const bad = await post('/', ['PING'], { authorization: 'Bearer wrong' });
    expect(bad.status).toBe(401);
    const wrongClient = new UpstashRedis({
      url: server.url,
      token: 'wrong',
      enableTelemetry: false,
      retry: false,
    });
    await expect(wrongClient.get(`${ns}:x`)).rejects.toThrow(/Unauthorized/);
  });

  it('accepts the token as a _token parameter and commands in the path', async () => {
    const set = await fetch(`${server.url}/set/${ns}:path/hello%20world?EX=100&_token=${TOKEN}`);
    expect(await set.json()).toEqual({ result: 'OK' });
    expect(await direct.ttl(`${ns}:path`)).toBeGreaterThan(90);
    const get = await fetch(`${server.url}/get/${ns}:path`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(await get.json()).toEqual({ result: 'hello world' });
  });

  it('answers { result } for a JSON command and { error } with 400 for a failing one', async () => {
    const ok = await post('/', ['INCRBY', `${ns}:n`, 5]);
    expect(await ok.json()).toEqual({ result: 5 });
    await direct.set(`${ns}:s`, 'text');
    const failed = await post('/', ['INCR', `${ns}:s`]);
    expect(failed.status).toBe(400);
    expect(((await failed.json()) as { error: string }).error).toMatch(/not an integer/);
    expect((await post('/', 'not json')).status).toBe(400);
    expect((await fetch(server.url, { method: 'DELETE' })).status).toBe(405);
  });

  it('base64-encodes strings (not "OK") when asked, and the client decodes them', async () => {
    const value = 'ünïcode "quoted" {not json';
    expect(await client.set(`${ns}:b`, value)).toBe('OK');
    const raw = await post('/', ['GET', `${ns}:b`], { 'upstash-encoding': 'base64' });
    expect(await raw.json()).toEqual({ result: Buffer.from(value).toString('base64') });
    expect(await client.get(`${ns}:b`)).toBe(value);
    expect(await direct.get(`${ns}:b`)).toBe(value);
  });

  it('runs /pipeline with a result or an error per command', async () => {
    await direct.set(`${ns}:p-s`, 'text');
    const res = await post('/pipeline', [
      ['SET', `${ns}:p`, '1'],
      ['INCR', `${ns}:p`],
      ['INCR', `${ns}:p-s`],
    ]);
    const body = (await res.json()) as Array<{ result?: unknown; error?: string }>;
    expect(body[0]).toEqual({ result: 'OK' });
    expect(body[1]).toEqual({ result: 2 });
    expect(body[2]?.error).toMatch(/not an integer/);
    const viaClient = await client.pipeline().incr(`${ns}:p`).get(`${ns}:p`).exec();
    expect(viaClient).toEqual([3, 3]);
  });

  it('runs /multi-exec as one transaction, and refuses a transaction with a bad command', async () => {
    const results = await client.multi().set(`${ns}:m`, 'a').append(`${ns}:m`, 'b').get(`${ns}:m`).exec();
    expect(results).toEqual(['OK', 2, 'ab']);
    const aborted = await post('/multi-exec', [['SET', `${ns}:m2`, 'x'], ['NOSUCHCOMMAND']]);
    expect(aborted.status).toBe(400);
    expect(await direct.exists(`${ns}:m2`)).toBe(0);
  });

  it('runs Lua scripts by EVAL and EVALSHA, answering NOSCRIPT for an unknown sha', async () => {
    expect(await client.eval('return {1, tonumber(ARGV[1]) + 1}', [], ['41'])).toEqual([1, 42]);
    await expect(client.evalsha('0'.repeat(40), [], [])).rejects.toThrow(/NOSCRIPT/);
  });
});
