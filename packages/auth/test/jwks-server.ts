/**
 * A real JWKS endpoint for tests: node:http on a free loopback port, serving whatever keys the
 * test publishes, and counting fetches so tests can see rotation refetches and their rate limit.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

export interface JwksServer {
  /** The JWKS URL (`.../auth/v1/.well-known/jwks.json`). */
  url: string;
  /** The Supabase-style project URL in front of it. */
  projectUrl: string;
  /** Replaces the published keys. */
  publish(keys: JWK[]): void;
  /** Makes the endpoint answer 500 (true) or serve again (false). */
  fail(failing: boolean): void;
  readonly fetches: number;
  close(): Promise<void>;
}

export async function startJwksServer(): Promise<JwksServer> {
  let keys: JWK[] = [];
  let failing = false;
  let fetches = 0;
  const server = createServer((req, res) => {
    if (req.url !== '/auth/v1/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    fetches += 1;
    if (failing) {
      res.writeHead(500).end('down');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const projectUrl = `http://127.0.0.1:${port}`;
  return {
    url: `${projectUrl}/auth/v1/.well-known/jwks.json`,
    projectUrl,
    publish(next) {
      keys = next;
    },
    fail(next) {
      failing = next;
    },
    get fetches() {
      return fetches;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
