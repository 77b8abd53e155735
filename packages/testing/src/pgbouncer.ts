/**
 * A private pgbouncer (Debian's package) in transaction mode in front of the test Postgres, on a
 * free port, with a generated ini and userlist: for tests that every path works through a
 * transaction pooler. Its pool is kept small on purpose so that clients share server sessions,
 * which is what exposes session state left behind by one transaction and found by another.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.js';
import { TEST_DATABASE_POOLER, TEST_DATABASE_URL } from './services.js';

export interface PrivatePgbouncer {
  port: number;
  /** `databaseUrl` with its host and port replaced by the pooler's. */
  through(databaseUrl: string): string;
  /** Rows of an admin console command (`show stats`, `show pools`), as column → value. */
  admin(command: string): Array<Record<string, string>>;
  stop(): Promise<void>;
}

export interface PgbouncerOptions {
  /** Server connections per database and user. Default 3. */
  poolSize?: number;
}

async function waitForPort(
  port: number,
  timeoutMs: number,
  output: () => string,
  gone: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone()) throw new Error(`pgbouncer exited before it listened:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket
        .once('connect', () => {
          socket.destroy();
          resolve(true);
        })
        .once('error', () => resolve(false));
      socket.connect(port, '127.0.0.1');
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`pgbouncer did not open port ${port} within ${timeoutMs} ms:\n${output()}`);
}

export async function startPgbouncer(options: PgbouncerOptions = {}): Promise<PrivatePgbouncer> {
  const target = new URL(TEST_DATABASE_URL);
  const user = decodeURIComponent(target.username || 'postgres');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-pgbouncer-'));
  // pgbouncer refuses to run as root; it drops to `user` (-u) and must read its files then.
  chmodSync(dir, 0o755);
  const userlist = join(dir, 'userlist.txt');
  writeFileSync(userlist, `"${user}" "${decodeURIComponent(target.password)}"\n`, { mode: 0o644 });
  const ini = join(dir, 'pgbouncer.ini');
  writeFileSync(
    ini,
    [
      '[databases]',
      // Every database name goes to the database of the same name: tests create theirs on the fly.
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${userlist}`,
      `admin_users = ${user}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.poolSize ?? 3}`,
      'max_client_conn = 500',
      'ignore_startup_parameters = extra_float_digits',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const asRoot = process.getuid?.() === 0;
  const child: ChildProcess = spawn('pgbouncer', [...(asRoot ? ['-u', 'postgres'] : []), ini], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let failed = false;
  child.on('error', (error) => {
    failed = true;
    output += `could not run pgbouncer (scripts/setup.sh installs Debian's package): ${error.message}\n`;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  try {
    await waitForPort(
      port,
      10_000,
      () => output,
      () => failed || child.exitCode !== null,
    );
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    through(databaseUrl) {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString();
    },
    admin(command) {
      const text = execFileSync(
        'psql',
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(port),
          '-U',
          user,
          '-X',
          '-A',
          '-F',
          '\t',
          '-c',
          command,
          'pgbouncer',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const [header, ...lines] = text.trim().split('\n');
      const columns = (header ?? '').split('\t');
      return lines
        .filter((line) => !/^\(\d+ rows?\)$/.test(line))
        .map((line) => Object.fromEntries(line.split('\t').map((value, i) => [columns[i], value])));
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** How a test reaches its database: directly, or through a pooler of its own. */
export interface DatabaseAccess {
  url: string;
  /** Set when `url` is a pooler's: Postgres itself, for LISTEN and session locks. */
  directUrl?: string;
  poolMode: 'session' | 'transaction';
  /** Stops the pooler, if one was started. */
  stop(): Promise<void>;
}

/**
 * `databaseUrl` as given, or, under `TEST_DATABASE_POOLER=pgbouncer`, through a private pgbouncer
 * in transaction mode: so any suite can be run through a pooler.
 */
export async function databaseAccess(databaseUrl: string): Promise<DatabaseAccess> {
  if (!TEST_DATABASE_POOLER) return { url: databaseUrl, poolMode: 'session', stop: async () => {} };
  const pooler = await startPgbouncer();
  return {
    url: pooler.through(databaseUrl),
    directUrl: databaseUrl,
    poolMode: 'transaction',
    stop: () => pooler.stop(),
  };
}
