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

  it('caps long strings', () => {
    expect(truncateForLog('x'.repeat(500), 10)).toBe('xxxxxxxxxx… (500 chars)');
    expect(truncateForLog('short')).toBe('short');
  });
});
