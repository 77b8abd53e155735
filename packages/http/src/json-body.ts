/**
 * Reads and validates a JSON body with a zod schema: malformed JSON, bodies nested deeper than
 * JSON_MAX_DEPTH, NUL characters in strings and schema failures become a 400 naming the problem,
 * before any route logic runs.
 * Every JSON body of the API is parsed by `parseJsonText`, so its limits hold everywhere.
 */
import type { Context } from 'hono';
import type { z } from 'zod';
import { HttpError } from './http-error.js';
import { JSON_MAX_DEPTH, jsonNestsDeeperThan } from './json-depth.js';
import { jsonHasNulEscape } from './json-nul.js';
import { validateOr400 } from './validate.js';

/** A request body's JSON value: 400 when it is malformed, nests deeper than JSON_MAX_DEPTH or holds a NUL. */
export function parseJsonText(raw: string): unknown {
  if (jsonNestsDeeperThan(raw, JSON_MAX_DEPTH)) {
    throw new HttpError(
      400,
      'invalid_request',
      `request body is nested deeper than ${JSON_MAX_DEPTH} levels of objects and arrays`,
    );
  }
  if (jsonHasNulEscape(raw)) {
    throw new HttpError(
      400,
      'invalid_request',
      'request body has a NUL character (\\u0000) in a string; text fields cannot hold it',
    );
  }
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw new HttpError(400, 'invalid_request', 'request body is not valid JSON', { cause });
  }
}

/** The raw body and its JSON value (an empty body reads as `{}`). */
export async function readJsonText(c: Context): Promise<{ raw: string; body: unknown }> {
  const raw = await c.req.text();
  if (raw.trim() === '') return { raw, body: {} };
  return { raw, body: parseJsonText(raw) };
}

export async function readJson(c: Context): Promise<unknown> {
  return (await readJsonText(c)).body;
}

export async function parseJsonBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<z.infer<Schema>> {
  return validateOr400(schema, await readJson(c));
}

/** The query string, validated: 400 naming the parameter. */
export function parseQuery<Schema extends z.ZodType>(c: Context, schema: Schema): z.infer<Schema> {
  return validateOr400(schema, c.req.query());
}
