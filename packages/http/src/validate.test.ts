import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpError } from './http-error.js';
import { invalidRequestError, validateOr400 } from './validate.js';

const Body = z.object({ name: z.string().min(1), size: z.object({ width: z.number().int() }).optional() });

function refusal(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('validateOr400', () => {
  it('returns the value as the schema parses it', () => {
    expect(validateOr400(Body.strip(), { name: 'a', extra: 1 })).toEqual({ name: 'a' });
  });

  it('refuses with 400 naming the first bad field', () => {
    const error = refusal(() => validateOr400(Body, { name: 'a', size: { width: 1.5 } }));
    expect(error.status).toBe(400);
    expect(error.body.error).toMatchObject({ code: 'invalid_request', field: 'size.width' });
    expect(error.body.error.message).toMatch(/^size\.width: /);
  });

  it('names a nested value by where it sits in the request', () => {
    const error = refusal(() => validateOr400(Body, { name: '' }, 'params'));
    expect(error.body.error).toMatchObject({ field: 'params.name' });
    expect(error.body.error.message).toMatch(/^params\.name: /);
    const whole = invalidRequestError(z.string().safeParse(3).error as z.ZodError, 'params');
    expect(whole.body.error.field).toBe('params');
  });
});
