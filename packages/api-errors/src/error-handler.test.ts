import { Writable } from 'node:stream';
import {
  DatabaseError,
  DatabaseUnavailableError,
  DeadlineExceededError,
  IdempotencyConflictError,
  InFlightLimitError,
  InsufficientCreditsError,
  InvalidTransitionError,
  StaleAttemptError,
  TaskNotFoundError,
} from '@gpuq/db';
import { HttpError, notFound, parseJsonBody } from '@gpuq/http';
import { createLogger } from '@gpuq/logger';
import { RateLimitedError } from '@gpuq/rate-limit';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorHandler } from './error-handler.js';

function appThrowing(error: unknown) {
  const app = new Hono();
  app.onError(errorHandler(createLogger({ name: 'http-test', level: 'silent' })));
  app.notFound(notFound);
  app.get('/', () => {
    throw error;
  });
  app.post('/body', async (c) => c.json(await parseJsonBody(c, z.object({ name: z.string().min(1) }))));
  return app;
}

async function answer(error: unknown) {
  const response = await appThrowing(error).request('/');
  return {
    status: response.status,
    body: (await response.json()) as { error: { code: string; message: string } },
    headers: response.headers,
  };
}

describe('the one error mapping', () => {
  it.each([
    [new InsufficientCreditsError('not enough credits'), 402, 'insufficient_credits'],
    [new IdempotencyConflictError('key reused'), 422, 'idempotency_mismatch'],
    [new TaskNotFoundError('no task'), 404, 'not_found'],
    [new InvalidTransitionError('already Complete'), 409, 'conflict'],
    [new StaleAttemptError('older attempt'), 409, 'conflict'],
    [new HttpError(403, 'forbidden', 'not yours'), 403, 'forbidden'],
  ])('%s → %i %s', async (error, status, code) => {
    const result = await answer(error);
    expect(result.status).toBe(status);
    expect(result.body.error).toMatchObject({ code, message: (error as Error).message });
  });

  it('answers the in-flight cap of any route with 429 and Retry-After', async () => {
    const result = await answer(new InFlightLimitError('at most 3 jobs may be queued or running at once'));
    expect(result.status).toBe(429);
    expect(result.headers.get('retry-after')).toBe('10');
    expect(result.body.error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining('at most 3'),
    });
  });

  it('answers an unreachable database with 503 and Retry-After', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const result = await answer(new DatabaseError('query failed', { cause: refused }));
    expect(result.status).toBe(503);
    expect(result.headers.get('retry-after')).toBe('5');
    expect(result.body.error.code).toBe('unavailable');
  });

  it.each([
    ['pg: a dropped connection', new Error('Connection terminated unexpectedly')],
    ['pg: a connection timeout', new Error('Connection terminated due to connection timeout')],
    ['pg-pool: a checkout that waited too long', new Error('timeout exceeded when trying to connect')],
    ['pg: a statement with no answer', new Error('Query read timeout')],
    ['SQLSTATE 08006', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['SQLSTATE 57P01', Object.assign(new Error('terminating connection'), { code: '57P01' })],
    ['SQLSTATE 57P03', Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    ['statement_timeout', Object.assign(new Error('canceling statement'), { code: '57014' })],
    ['ECONNRESET', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })],
    ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
    ['the request deadline', new DeadlineExceededError('the request deadline passed before commit')],
    ['a mapped connection failure', new DatabaseUnavailableError('the database is unavailable')],
  ])('answers %s with 503 and Retry-After, logged as a warning without a stack', async (_, error) => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ name: 'http-test', level: 'info', destination });
    const app = new Hono();
    app.onError(errorHandler(logger));
    app.get('/', () => {
      throw error;
    });
    const response = await app.request('/');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    const logged = lines.map((line) => JSON.parse(line) as { level: string; msg: string; err: unknown });
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', msg: 'answered 503: a backing service is unavailable' });
    expect(JSON.stringify(logged[0])).not.toContain('"stack"');
  });

  it('keeps the headers of a rate-limit refusal', async () => {
    const result = await answer(
      new RateLimitedError({
        allowed: false,
        limit: 3,
        remaining: 0,
        retryAfterMs: 12_000,
        resetMs: 12_000,
        degraded: false,
      }),
    );
    expect(result.status).toBe(429);
    expect(result.headers.get('retry-after')).toBe('12');
    expect(result.body.error.code).toBe('rate_limited');
  });

  it('hides the details of unexpected errors', async () => {
    const result = await answer(new Error('secret internals'));
    expect(result.status).toBe(500);
    expect(result.body.error).toEqual({ code: 'internal', message: 'internal error' });
  });

  it('turns a plain HTTPException into the JSON body', async () => {
    const result = await answer(new HTTPException(401, { message: 'nope' }));
    expect(result).toMatchObject({ status: 401, body: { error: { code: 'unauthorized', message: 'nope' } } });
  });

  it('names the bad field of a JSON body, and refuses malformed JSON', async () => {
    const app = appThrowing(null);
    const bad = await app.request('/body', { method: 'POST', body: JSON.stringify({ name: '' }) });
    expect(await bad.json()).toMatchObject({ error: { code: 'invalid_request', field: 'name' } });
    const malformed = await app.request('/body', { method: 'POST', body: '{' });
    expect(malformed.status).toBe(400);
    expect((await app.request('/missing')).status).toBe(404);
  });
});
