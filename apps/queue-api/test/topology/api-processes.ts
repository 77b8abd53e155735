/**
 * Several real queue-api processes (src/main.ts) sharing one Postgres database, one Redis queue
 * prefix and one data folder, each on its own free port, behind a round-robin balancer: the shape
 * of a deployment with many api instances, for tests that kill one of them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signDevJwt } from '@gpuq/auth';
import {
  createTestDatabase,
  freePort,
  type RoundRobinProxy,
  type RunningProcess,
  runTsEntry,
  startRoundRobinProxy,
  TEST_REDIS_URL,
  type TestDatabase,
  uniqueQueuePrefix,
} from '@gpuq/testing';
import { type ApiHarness, requestTo, SECRETS } from '../api-harness.js';

export interface ApiProcess {
  url: string;
  process: RunningProcess;
  request: ApiHarness['request'];
  alive(): boolean;
  /** SIGKILL: no shutdown, as a crash or a lost host looks to the others. */
  kill(): Promise<void>;
}

export interface ApiFleet {
  instances: ApiProcess[];
  balancer: RoundRobinProxy;
  /** The balancer's URL, which workers and signed storage URLs use. */
  url: string;
  database: TestDatabase;
  queuePrefix: string;
  dataDir: string;
  token(userId: string): Promise<string>;
  /** Settings of a worker process serving this fleet through the balancer. */
  workerEnv(workerId: string, extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

export async function startApiFleet(count: number, settings: Record<string, string> = {}): Promise<ApiFleet> {
  const database = await createTestDatabase('fleet');
  const dataDir = mkdtempSync(join(tmpdir(), 'gpuq-fleet-'));
  const queuePrefix = uniqueQueuePrefix('fleet');
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const balancer = await startRoundRobinProxy(ports);
  const url = `http://127.0.0.1:${balancer.port}`;
  const instances = ports.map((port): ApiProcess => {
    const running = runTsEntry('src/main.ts', {
      ...SECRETS,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      GPUQ_DATA_DIR: dataDir,
      GPUQ_PUBLIC_URL: url,
      ...settings,
    });
    return {
      url: `http://127.0.0.1:${port}`,
      process: running,
      request: requestTo(`http://127.0.0.1:${port}`),
      alive: () => running.child.exitCode === null && running.child.signalCode === null,
      async kill() {
        running.child.kill('SIGKILL');
        await running.exited();
      },
    };
  });
  try {
    await Promise.all(instances.map((instance) => instance.process.waitFor('queue-api listening', 90_000)));
  } catch (error) {
    for (const instance of instances) instance.process.child.kill('SIGKILL');
    throw error;
  }
  return {
    instances,
    balancer,
    url,
    database,
    queuePrefix,
    dataDir,
    token: (userId) => signDevJwt({ secret: SECRETS.SUPABASE_JWT_SECRET, userId }),
    workerEnv(workerId, extra = {}) {
      return {
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: queuePrefix,
        CALLBACK_URL: `${url}/functions/v1/job-callback`,
        GPUQ_DATA_DIR: dataDir,
        GPUQ_DEVICE: 'cpu',
        WORKER_ID: workerId,
        ...extra,
      };
    },
    async close() {
      await Promise.all(
        instances
          .filter((instance) => instance.alive())
          .map(async (instance) => {
            instance.process.child.kill('SIGTERM');
            await instance.process.exited();
          }),
      );
      await balancer.close();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
