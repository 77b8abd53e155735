/**
 * A local endpoint speaking Upstash's REST protocol over a real Redis (ioredis), so the Upstash
 * store is tested for real without Docker or the cloud. It covers what @upstash/redis uses:
 * POST / with a JSON command, /pipeline, /multi-exec, the path form, Bearer or `_token` auth,
 * `{ result }` / `{ error }` answers with HTTP 200/400/401/405, and `Upstash-Encoding: base64`.
 * While Redis is down it answers 500 with an error, as a gateway would.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis, ReplyError } from 'ioredis';
import {
  parseCommand,
  parseCommandList,
  parsePathCommand,
  type RestCommand,
  RestRequestError,
} from './rest-command.js';
import { toRestValue } from './upstash-reply.js';

export interface UpstashRestServerOptions {
  /** The Redis the commands run on. */
  redisUrl: string;
  /** The token clients must present. */
  token: string;
}

export interface UpstashRestServer {
  /** UPSTASH_REDIS_REST_URL for clients. */
  url: string;
  token: string;
  /** Requests answered so far (any status). */
  readonly requests: number;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

export async function startUpstashRestServer(options: UpstashRestServerOptions): Promise<UpstashRestServer> {
  const redis = new Redis(options.redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  redis.on('error', () => {});
  await redis.connect();
  let requests = 0;

  const server = createServer((req, res) => {
    requests += 1;
    handle(req, res).catch((error: unknown) => {
      // Redis errors are the caller's (400); anything else means Redis is unreachable (500).
      const status = error instanceof ReplyError || error instanceof RestRequestError ? 400 : 500;
      send(res, status, { error: error instanceof Error ? error.message : String(error) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!['GET', 'HEAD', 'POST', 'PUT'].includes(req.method ?? '')) {
      return send(res, 405, { error: 'Method not allowed' });
    }
    if (!authorized(req, url, options.token)) return send(res, 401, { error: 'Unauthorized' });
    const body = await readBody(req);
    const base64 = String(req.headers['upstash-encoding']).toLowerCase() === 'base64';

    if (url.pathname === '/pipeline' || url.pathname === '/multi-exec') {
      const commands = parseCommandList(parseJson(body));
      const batch = url.pathname === '/pipeline' ? redis.pipeline() : redis.multi();
      for (const [name, ...args] of commands) batch.callBuffer(name, ...args);
      const results = await batch.exec();
      if (!results) throw new RestRequestError('ERR transaction aborted');
      // A command error is that command's answer; a connection error fails the whole request.
      const unreachable = results.find(([error]) => error && !(error instanceof ReplyError))?.[0];
      if (unreachable) throw unreachable;
      return send(
        res,
        200,
        results.map(([error, reply]) =>
          error ? { error: error.message } : { result: toRestValue(reply, base64) },
        ),
      );
    }
    const command: RestCommand =
      url.pathname === '/' ? parseCommand(parseJson(body)) : parsePathCommand(url, body);
    const [name, ...args] = command;
    const reply = await redis.callBuffer(name, ...args);
    return send(res, 200, { result: toRestValue(reply, base64) });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token: options.token,
    get requests() {
      return requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      redis.disconnect();
    },
  };
}

function authorized(req: IncomingMessage, url: URL, token: string): boolean {
  const header = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(header ?? url.searchParams.get('_token') ?? ''), digest(token));
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new RestRequestError('ERR request body is not JSON');
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RestRequestError('ERR request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
