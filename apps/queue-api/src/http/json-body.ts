/**
 * Reads and validates a JSON body with a zod schema: malformed JSON and schema failures become a
 * 400 naming the field, before any route logic runs.
 */
import { describeValidationError } from '@gpuq/job-types';
import type { Context } from 'hono';
import type { z } from 'zod';
import { HttpError } from './http-error.js';

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new HttpError(400, 'invalid_request', 'request body is not valid JSON', { cause });
  }
}

export async function parseJsonBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const result = schema.safeParse(await readJson(c));
  if (result.success) return result.data;
  const { error } = describeValidationError(result.error);
  throw new HttpError(400, 'invalid_request', error.message, error.field ? { field: error.field } : {});
}
