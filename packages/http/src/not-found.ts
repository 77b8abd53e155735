import type { NotFoundHandler } from 'hono';

/** The JSON answer for a path no route serves, in the API's error body. */
export const notFound: NotFoundHandler = (c) =>
  c.json({ error: { code: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }, 404);
