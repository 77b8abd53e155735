/**
 * A private redis-server on a free port, for tests that stop, restart or break Redis without
 * touching the machine's shared instance.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestCertificates, redisCliTlsArgs, tlsOnlyConfig } from './redis-test-tls.js';

export interface PrivateRedis {
  /** `rediss://` when started with `tls`. */
  url: string;
  /** With `tls`: the CA that signed the server's certificate (REDIS_TLS_CA_FILE). */
  caFile?: string;
  port: number;
  /** Stops the server; its data survives in `dir` when started with `appendOnly`. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Kills the server with SIGKILL, as a crash or the OOM killer would: no shutdown, no final fsync. */
  kill(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const { Socket } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.once('connect', () => resolve(true)).once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    }).catch(() => false);
    if (open) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server did not open port ${port} within ${timeoutMs} ms`);
}

/** An open port is not a ready server: while it replays its append-only file Redis answers LOADING. */
export async function waitForPong(port: number, timeoutMs: number): Promise<void> {
  const { execFile } = await import('node:child_process');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reply = await new Promise<string>((resolve) => {
      execFile('redis-cli', [...redisCliTlsArgs(port), '-p', String(port), 'ping'], (error, stdout) =>
        resolve(error ? '' : stdout),
      );
    });
    if (reply.includes('PONG')) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PONG within ${timeoutMs} ms`);
}

export async function startPrivateRedis(
  options: { appendOnly?: boolean /** TLS-only, with a throwaway CA. */; tls?: boolean } = {},
): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-redis-'));
  let child: ChildProcess | undefined;
  const tls = options.tls ? createTestCertificates(dir) : undefined;
  const listen = tls
    ? tlsOnlyConfig(port, tls).flatMap((line) => {
        const [name = '', ...value] = line.split(' ');
        return [`--${name}`, value.join(' ')];
      })
    : ['--port', String(port)];
  const args = [
    ...listen,
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    options.appendOnly ? 'yes' : 'no',
    '--appendfsync',
    'always',
    '--maxmemory-policy',
    'noeviction',
  ];
  const handle: PrivateRedis = {
    url: `${tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    ...(tls ? { caFile: tls.caFile } : {}),
    port,
    async start() {
      child = spawn('redis-server', args, { stdio: 'ignore' });
      await waitForPort(port, 10_000);
      await waitForPong(port, 10_000);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGTERM');
      });
    },
    async kill() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGKILL');
      });
    },
    async destroy() {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
