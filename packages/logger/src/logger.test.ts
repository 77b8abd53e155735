import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, truncateForLog } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('writes JSON lines with the bindings of child loggers', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'queue-api', destination }).child({ requestId: 'r1', jobId: 'j1' }).info('queued');
    expect(lines[0]).toMatchObject({
      name: 'queue-api',
      level: 'info',
      requestId: 'r1',
      jobId: 'j1',
      msg: 'queued',
    });
  });

  it('redacts credentials at the top level and nested', () => {
    const { lines, destination } = capture();
    createLogger({ name: 'worker', destination }).info(
      {
        callbackToken: 'abc',
        headers: { authorization: 'Bearer xyz' },
        job: { data: { callbackToken: 'def' } },
      },
      'job',
    );
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/abc|xyz|def/);
    expect(text).toContain('[redacted]');
  });

  it('redacts in arrays and in child bindings, and leaves the logged objects unchanged', () => {
    const { lines, destination } = capture();
    const headers = { authorization: 'Bearer xyz', accept: 'json' };
    const logged = {
      request: { headers },
      tokens: [{ token: 'ghi' }],
      depth: { a: { b: { token: 'deep' } } },
    };
    const child = createLogger({ name: 'worker', destination }).child({ jobId: 'j1', callbackToken: 'def' });
    child.info(logged, 'job');
    const text = JSON.stringify(lines[0]);
    expect(text).not.toMatch(/xyz|ghi|def/);
    expect(lines[0]).toMatchObject({
      request: { headers: { authorization: '[redacted]', accept: 'json' } },
      tokens: [{ token: '[redacted]' }],
      jobId: 'j1',
      callbackToken: '[redacted]',
    });
    // Three levels down is past the search, as it was with pino's wildcard paths.
    expect(text).toContain('deep');
    expect(headers.authorization).toBe('Bearer xyz');
    expect(logged.tokens[0]?.token).toBe('ghi');
  });

  it('serializes errors whole', () => {
    const { lines, destination } = capture();
    const error = Object.assign(new Error('boom'), { code: 'E_TEST' });
    createLogger({ name: 'worker', destination }).error({ err: error }, 'failed');
    expect(lines[0]).toMatchObject({ err: { message: 'boom', code: 'E_TEST', type: 'Error' } });
    expect(JSON.stringify(lines[0]?.err)).toContain('"stack":"Error: boom');
  });

  it('caps long strings', () => {
    expect(truncateForLog('x'.repeat(500), 10)).toBe('xxxxxxxxxx… (500 chars)');
    expect(truncateForLog('short')).toBe('short');
  });
});
