/**
 * The JSON depth limit as middleware, for routes whose JSON bodies a library reads itself (Bull
 * Board's API): the body is read once as text (Hono keeps it for the library's own `json()`), and
 * a body nesting deeper than JSON_MAX_DEPTH is refused with 400 before the library sees it.
 */
import type { MiddlewareHandler } from 'hono';
import { HttpError } from './http-error.js';
import { JSON_MAX_DEPTH, jsonNestsDeeperThan } from './json-depth.js';

export function jsonDepthLimit(): MiddlewareHandler {
  return async function refuseDeepJson(c, next) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const raw = await c.req.text();
      if (jsonNestsDeeperThan(raw, JSON_MAX_DEPTH)) {
        throw new HttpError(
          400,
          'invalid_request',
          `request body is nested deeper than ${JSON_MAX_DEPTH} levels of objects and arrays`,
        );
      }
    }
    await next();
  };
}
