/**
 * The whole local stack on embedded defaults: Redis (the one at REDIS_URL, else a redis-server
 * started here on a free port), queue-api on embedded PGlite (unless DATABASE_URL is set), and both
 * workers on CPU with the generated tiny checkpoints. Shared by `pnpm start` and `pnpm demo`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, redisAnswers, startProcess } from './processes.mjs';

const root = resolve(import.meta.dirname, '..', '..');

async function ensureRedis(processes, dataDir) {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await redisAnswers(url)) return url;
  const port = await freePort(0);
  const dir = join(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const redis = startProcess(
    'redis',
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
    ],
    {},
  );
  redis.child.once('error', () => {});
  processes.push(redis);
  const started = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i += 1) {
    if (await redisAnswers(started)) return started;
    if (redis.child.exitCode !== null || redis.child.pid === undefined) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `No Redis at ${url} and redis-server could not be started. Install it (Debian: sudo apt-get install -y redis-server) or set REDIS_URL.`,
  );
}

export async function startStack({ echo = false, port: preferredPort = 8787 } = {}) {
  const dataDir = resolve(process.env.GPUQ_DATA_DIR ?? join(root, '.data'));
  mkdirSync(dataDir, { recursive: true });
  const processes = [];
  const stop = async () => {
    for (const child of [...processes].reverse()) await child.stop();
  };
  try {
    const redisUrl = await ensureRedis(processes, dataDir);
    const port = Number(process.env.PORT ?? (await freePort(preferredPort)));
    const apiUrl = `http://127.0.0.1:${port}`;
    const secrets = {
      SUPABASE_JWT_SECRET: process.env.SUPABASE_JWT_SECRET ?? randomBytes(32).toString('base64url'),
      SUPABASE_SERVICE_ROLE_KEY:
        process.env.SUPABASE_SERVICE_ROLE_KEY ?? randomBytes(32).toString('base64url'),
      CALLBACK_SECRET: process.env.CALLBACK_SECRET ?? randomBytes(32).toString('base64url'),
    };
    const shared = {
      REDIS_URL: redisUrl,
      GPUQ_DATA_DIR: dataDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    const api = startProcess(
      'queue-api',
      process.execPath,
      [join(root, 'apps/queue-api/dist/main.js')],
      {
        ...shared,
        ...secrets,
        PORT: String(port),
        GPUQ_PUBLIC_URL: apiUrl,
      },
      { echo },
    );
    processes.push(api);
    await api.waitFor(/queue-api listening/, 180_000);
    const workerEnv = {
      ...shared,
      CALLBACK_URL: `${apiUrl}/functions/v1/job-callback`,
      GPUQ_DEVICE: process.env.GPUQ_DEVICE ?? 'cpu',
    };
    const workers = [
      startProcess(
        'sdxl-worker',
        process.execPath,
        [join(root, 'apps/sdxl-worker/dist/main.js')],
        { ...workerEnv, WORKER_ID: 'sdxl-local-1' },
        { echo },
      ),
      startProcess(
        'wan-worker',
        process.execPath,
        [join(root, 'apps/wan-worker/dist/main.js')],
        { ...workerEnv, WORKER_ID: 'wan-local-1' },
        { echo },
      ),
    ];
    processes.push(...workers);
    await Promise.all(workers.map((worker) => worker.waitFor(/worker started/, 300_000)));
    return { apiUrl, dataDir, redisUrl, secrets, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
