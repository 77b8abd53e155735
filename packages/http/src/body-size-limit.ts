/**
 * Refuses a request body larger than `maxBytes`. A body with a Content-Length is judged by the
 * header alone, without touching the body: hono's own `bodyLimit` first reads `c.req.raw.body`,
 * which on @hono/node-server turns the adapter's lightweight request into a full WHATWG Request
 * (a ReadableStream over the socket, an AbortController, a Headers copy) on every request, GETs
 * included, and the route's own read of the body then goes through that stream instead of the
 * adapter's direct read. Node's HTTP parser has already refused a malformed Content-Length, and
 * never reads past the declared one. A chunked body (no length) is counted as it streams, by hono's
 * middleware, and so is any other request but a GET or HEAD that declares neither: over HTTP/1.1
 * it has no body, but a Request made in process (`app.request`, another runtime's adapter) may
 * carry one without the header.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

export interface BodySizeLimitOptions {
  maxBytes: number;
  /** Answers (or throws for) a body over the limit. */
  onTooLarge(c: Context): Response | Promise<Response>;
}

export function bodySizeLimit(options: BodySizeLimitOptions): MiddlewareHandler {
  const streamed = bodyLimit({ maxSize: options.maxBytes, onError: options.onTooLarge });
  return async function limitBodySize(c, next) {
    if (c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    const length = c.req.header('content-length');
    if (length === undefined)
      return c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : streamed(c, next);
    if (Number(length) > options.maxBytes) return options.onTooLarge(c);
    return next();
  };
}
