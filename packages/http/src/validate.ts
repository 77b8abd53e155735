/**
 * Input checked against a zod schema, or a 400 that names the first problem and its field: the
 * one answer every route gives to a value its schema refuses.
 */
import { describeValidationError } from '@gpuq/job-types';
import type { z } from 'zod';
import { HttpError } from './http-error.js';

/**
 * The 400 for a refused value. `under` names where the value sits in the request (`params`), so
 * the message and field read `params.<field>`.
 */
export function invalidRequestError(zodError: z.ZodError, under?: string): HttpError {
  const { error } = describeValidationError(zodError);
  if (under === undefined) {
    return new HttpError(400, 'invalid_request', error.message, error.field ? { field: error.field } : {});
  }
  const field = error.field ? `${under}.${error.field}` : under;
  return new HttpError(400, 'invalid_request', `${under}.${error.message}`, { field });
}

/** The value as the schema parses it; throws invalidRequestError's 400 when it is refused. */
export function validateOr400<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  under?: string,
): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw invalidRequestError(result.error, under);
}
