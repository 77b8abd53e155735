/**
 * One redis-server (or sentinel) process of a multi-node test topology: its own temp dir and
 * loopback port, started from a config file (sentinels rewrite theirs), killable like a crash.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitForPong, waitForPort } from './redis-server.js';
import { redisCliTlsArgs, type TestTlsFiles, tlsOnlyConfig } from './redis-test-tls.js';

export interface RedisNodeProcess {
  port: number;
  /** SIGKILL: no shutdown, no final write, as a crashed host. */
  kill(): Promise<void>;
  running(): boolean;
}

export async function startRedisNode(
  dir: string,
  port: number,
  config: readonly string[],
  options: { sentinel?: boolean /** TLS-only with these files. */; tls?: TestTlsFiles } = {},
): Promise<RedisNodeProcess> {
  const file = join(dir, `redis-${port}.conf`);
  writeFileSync(
    file,
    [
      ...(options.tls ? tlsOnlyConfig(port, options.tls) : [`port ${port}`]),
      'bind 127.0.0.1',
      `dir ${dir}`,
      'save ""',
      'appendonly no',
      // A replica syncs at once instead of after the default 5 s gathering delay.
      'repl-diskless-sync-delay 0',
      ...config,
    ].join('\n'),
  );
  const child: ChildProcess = spawn(options.sentinel ? 'redis-sentinel' : 'redis-server', [file], {
    stdio: 'ignore',
  });
  await waitForPort(port, 10_000);
  await waitForPong(port, 10_000);
  return {
    port,
    running: () => child.exitCode === null && child.signalCode === null,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    },
  };
}

/** One redis-cli command against a node; its reply as text. */
export function redisCli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', [...redisCliTlsArgs(port), '-p', String(port), ...args], (error, stdout, stderr) =>
      error ? reject(new Error(`redis-cli ${args.join(' ')}: ${stderr || error.message}`)) : resolve(stdout),
    );
  });
}

/** Resolves once the replica on `port` has its master link up (a replica not yet synced cannot take over). */
export function replicaInSync(port: number, timeoutMs = 20_000): Promise<void> {
  return pollUntil(
    async () => (await redisCli(port, 'info', 'replication')).includes('master_link_status:up'),
    timeoutMs,
    `replica ${port} in sync`,
  );
}

export async function pollUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}
