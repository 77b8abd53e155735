/**
 * A real Sentinel set-up for tests: one master, two replicas and three sentinels on free loopback
 * ports, with short down-after and failover timeouts so a killed master is replaced in seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil, type RedisNodeProcess, redisCli, replicaInSync, startRedisNode } from './redis-node.js';
import { freePort } from './redis-server.js';
import { createTestCertificates } from './redis-test-tls.js';

export interface PrivateRedisSentinel {
  /** REDIS_SENTINEL_MASTER. */
  masterName: string;
  /** REDIS_SENTINELS: the three sentinels as `host:port`. */
  sentinels: string;
  /** With `tls`: the CA that signed every node's and sentinel's certificate (REDIS_TLS_CA_FILE). */
  caFile?: string;
  /** Kills (SIGKILL) the current master; resolves once the sentinels name a new one, with the ms that took. */
  killMaster(): Promise<{ port: number; recoveredMs: number }>;
  /**
   * A planned failover (`SENTINEL FAILOVER`): the master stays up and is demoted to a replica;
   * resolves once the sentinels name the promoted one, with the ms that took.
   */
  failover(): Promise<{ port: number; recoveredMs: number }>;
  /** The port of the master the sentinels name now. */
  masterPort(): Promise<number>;
  destroy(): Promise<void>;
}

const MASTER_NAME = 'gpuq';

export async function startRedisSentinel(
  options: {
    /** TLS-only nodes and sentinels (replication and monitoring too), with a throwaway CA. */ tls?: boolean;
  } = {},
): Promise<PrivateRedisSentinel> {
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-redis-sentinel-'));
  const tls = options.tls ? createTestCertificates(dir) : undefined;
  const overTls = tls ? { tls } : {};
  // Sentinels read tls-replication too: it makes them monitor the nodes and each other over TLS.
  const tlsLinks = tls ? ['tls-replication yes'] : [];
  const base = ['maxmemory-policy noeviction', ...tlsLinks];
  const master = await startRedisNode(dir, await freePort(), base, overTls);
  const data: RedisNodeProcess[] = [master];
  for (let index = 0; index < 2; index += 1)
    data.push(
      await startRedisNode(dir, await freePort(), [...base, `replicaof 127.0.0.1 ${master.port}`], overTls),
    );
  const sentinels: RedisNodeProcess[] = [];
  for (let index = 0; index < 3; index += 1)
    sentinels.push(
      await startRedisNode(
        dir,
        await freePort(),
        [
          `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 2`,
          `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
          `sentinel failover-timeout ${MASTER_NAME} 5000`,
          `sentinel parallel-syncs ${MASTER_NAME} 2`,
          ...tlsLinks,
        ],
        { sentinel: true, ...overTls },
      ),
    );
  const masterPort = async () =>
    Number(
      (await redisCli(sentinels[0]!.port, 'sentinel', 'get-master-addr-by-name', MASTER_NAME)).split('\n')[1],
    );
  // Ready when both replicas are in sync and every sentinel knows the others and the replicas.
  for (const replica of data.slice(1)) await replicaInSync(replica.port);
  for (const sentinel of sentinels)
    await pollUntil(
      async () => {
        const info = await redisCli(sentinel.port, 'sentinel', 'master', MASTER_NAME);
        const field = (name: string) => {
          const lines = info.split('\n');
          return Number(lines[lines.indexOf(name) + 1]);
        };
        return field('num-slaves') === 2 && field('num-other-sentinels') === 2;
      },
      20_000,
      `sentinel ${sentinel.port} sees the set-up`,
    );

  // Resolves once the sentinels name another master and that node says it is one.
  const promotedOtherThan = (port: number) =>
    pollUntil(
      async () => {
        const next = await masterPort();
        if (next === port) return false;
        return (await redisCli(next, 'info', 'replication')).includes('role:master');
      },
      30_000,
      'sentinel failover',
    );

  return {
    masterName: MASTER_NAME,
    sentinels: sentinels.map((sentinel) => `127.0.0.1:${sentinel.port}`).join(','),
    ...(tls ? { caFile: tls.caFile } : {}),
    async killMaster() {
      const port = await masterPort();
      const victim = data.find((node) => node.port === port);
      if (!victim) throw new Error(`the sentinels name master ${port}, which this set-up did not start`);
      const killedAt = Date.now();
      await victim.kill();
      await promotedOtherThan(port);
      return { port, recoveredMs: Date.now() - killedAt };
    },
    async failover() {
      const port = await masterPort();
      const startedAt = Date.now();
      await redisCli(sentinels[0]!.port, 'sentinel', 'failover', MASTER_NAME);
      await promotedOtherThan(port);
      return { port, recoveredMs: Date.now() - startedAt };
    },
    masterPort,
    async destroy() {
      for (const node of [...sentinels, ...data]) await node.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
