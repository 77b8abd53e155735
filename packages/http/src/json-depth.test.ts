import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from './http-error.js';
import { parseJsonBody } from './json-body.js';
import { JSON_MAX_DEPTH, jsonNestsDeeperThan } from './json-depth.js';

const nested = (depth: number, open = '[', close = ']') => `${open.repeat(depth)}${close.repeat(depth)}`;

describe('JSON depth', () => {
  it('counts objects and arrays inside one another', () => {
    expect(jsonNestsDeeperThan(nested(3), 3)).toBe(false);
    expect(jsonNestsDeeperThan(nested(4), 3)).toBe(true);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[[1]]}]}', 4)).toBe(true);
    // Siblings do not add up.
    expect(jsonNestsDeeperThan('[[1],[2],[3],{"a":1}]', 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ text: '[[[[[[{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: 'say "[[[[" \\', more: '[[[' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify(['\\"', [['x']]]), 2)).toBe(true);
  });

  it('refuses a deep body with 400 before the schema sees it', async () => {
    const app = new Hono();
    // The services' full mapping lives in @gpuq/api-errors; an HttpError's own body is all this needs.
    app.onError((error, c) =>
      error instanceof HttpError ? c.json(error.body, error.status) : c.text('unexpected', 500),
    );
    app.post('/', async (c) => c.json(await parseJsonBody(c, z.unknown())));
    const deep = await app.request('/', { method: 'POST', body: `{"a":${nested(JSON_MAX_DEPTH)}}` });
    expect(deep.status).toBe(400);
    expect(await deep.json()).toMatchObject({
      error: { code: 'invalid_request', message: expect.stringMatching(/nested deeper than 64/) },
    });
    const ok = await app.request('/', { method: 'POST', body: `{"a":${nested(JSON_MAX_DEPTH - 1)}}` });
    expect(ok.status).toBe(200);
  });
});
