/**
 * Connections through Sentinel across failovers, on a real TLS Sentinel set-up (master, two
 * replicas, three sentinels): after the master is killed, and after a planned failover that
 * demotes a live master, every connection `createRedis` makes — producer or worker — writes to
 * the promoted master again. None may be left closed for good: a connection parked in ioredis's
 * terminal state never reconnects and reports nothing (an api that enqueues nothing, a worker
 * that takes no jobs). That loss is a race one connection rarely loses, so many connect at once.
 */
import { RedisNodeList, redisTopology } from '@gpuq/config';
import { type PrivateRedisSentinel, redisCli, startRedisSentinel } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, type RedisClient, type RedisRole } from './redis-connection.js';

// All connections retry on the same schedule after a crash, so a failover catches none or many:
// with 24 of each role, many in about one run in three here.
const CLIENTS_PER_ROLE = 24;

interface NamedClient {
  name: string;
  client: RedisClient;
}

/** Every client's last problem while writing through it; empty once all wrote to `masterPort`. */
async function problemsWriting(
  clients: readonly NamedClient[],
  masterPort: number,
  round: number,
): Promise<string[]> {
  const problems = await Promise.all(
    clients.map(async ({ name, client }) => {
      try {
        await client.set(`failover-test:${name}`, String(round));
        const stored = await redisCli(masterPort, 'get', `failover-test:${name}`);
        return stored.trim() === String(round)
          ? null
          : `${name}: wrote somewhere else (status ${client.status})`;
      } catch (error) {
        return `${name}: ${(error as Error).message} (status ${client.status})`;
      }
    }),
  );
  return problems.filter((problem): problem is string => problem !== null);
}

async function expectAllWriteToMaster(
  sentinel: PrivateRedisSentinel,
  clients: readonly NamedClient[],
  round: number,
  timeoutMs = 20_000,
): Promise<void> {
  const masterPort = await sentinel.masterPort();
  const startedAt = Date.now();
  let problems: string[] = [];
  do {
    problems = await problemsWriting(clients, masterPort, round);
    if (problems.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  } while (Date.now() - startedAt < timeoutMs);
  expect(problems, `clients not writing to master ${masterPort} after ${timeoutMs} ms`).toEqual([]);
}

describe('connections through TLS Sentinel across failovers', () => {
  let sentinel: PrivateRedisSentinel;
  const clients: NamedClient[] = [];

  beforeAll(async () => {
    sentinel = await startRedisSentinel({ tls: true });
    // Built from the settings a deployment would set, as every process builds its own.
    const problems: string[] = [];
    const topology = redisTopology(
      {
        REDIS_SENTINELS: RedisNodeList.parse(sentinel.sentinels),
        REDIS_SENTINEL_MASTER: sentinel.masterName,
        REDIS_TLS: true,
        REDIS_SENTINEL_TLS: true,
        REDIS_TLS_CA_FILE: sentinel.caFile,
        QUEUE_PREFIX: '{gpuq-failover-test}',
      },
      problems,
    );
    expect(problems).toEqual([]);
    for (const role of ['producer', 'worker'] as RedisRole[])
      for (let index = 0; index < CLIENTS_PER_ROLE; index += 1) {
        const name = `${role}-${index}`;
        const client = createRedis({ topology, role, name });
        // Outages are expected here; an unhandled 'error' event would end the test process.
        client.on('error', () => {});
        clients.push({ name, client });
      }
    await expectAllWriteToMaster(sentinel, clients, 0);
  }, 60_000);

  afterAll(async () => {
    for (const { client } of clients) client.disconnect();
    await sentinel?.destroy();
  });

  it('every connection writes to the promoted master after the master is killed', async () => {
    await sentinel.killMaster();
    await expectAllWriteToMaster(sentinel, clients, 1);
  }, 60_000);

  it('every connection moves to the promoted master in a planned failover (the old one stays up)', async () => {
    const { port: demoted } = await sentinel.failover();
    await expectAllWriteToMaster(sentinel, clients, 2);
    await expect
      .poll(() => redisCli(demoted, 'info', 'replication'), { timeout: 10_000 })
      .toContain('role:slave');
  }, 60_000);
});
