/**
 * The hand-written apis' server: the Hono app on PORT (loopback), `ready` on stdout once it
 * listens (what startRole waits for), and on SIGTERM the server closed, then `close` (their queue
 * and pool), then exit.
 */
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export function serveRole(app: Hono, close: () => Promise<unknown>): void {
  const server = serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, () =>
    console.log('ready'),
  );
  process.once('SIGTERM', () => {
    server.close();
    void close().finally(() => process.exit(0));
  });
}
