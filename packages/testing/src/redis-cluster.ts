/**
 * A real Redis Cluster for tests: three masters with one replica each on free loopback ports,
 * joined by `redis-cli --cluster create`, with a short node timeout so a killed master's replica
 * takes over within seconds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil, type RedisNodeProcess, redisCli, replicaInSync, startRedisNode } from './redis-node.js';
import { freePort } from './redis-server.js';
import { createTestCertificates } from './redis-test-tls.js';

export interface PrivateRedisCluster {
  /** REDIS_CLUSTER_NODES: every node as `host:port`. */
  seeds: string;
  /** With `tls`: the CA that signed the nodes' certificate (REDIS_TLS_CA_FILE). */
  caFile?: string;
  /** Kills (SIGKILL) the master serving `key`'s slot; resolves once a replica serves it, with the ms that took. */
  killMasterOf(key: string): Promise<{ port: number; recoveredMs: number }>;
  destroy(): Promise<void>;
}

const NODE_TIMEOUT_MS = 1_000;

export interface RedisClusterOptions {
  /** TLS-only nodes, cluster bus and replication included, with a throwaway CA. */
  tls?: boolean;
  /** Default 1; 0 starts three masters alone (faster, but no failover). */
  replicasPerMaster?: 0 | 1;
}

export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'gpuq-redis-cluster-'));
  const tls = options.tls ? createTestCertificates(dir) : undefined;
  const replicas = options.replicasPerMaster ?? 1;
  const nodes: RedisNodeProcess[] = [];
  for (let index = 0; index < 3 * (1 + replicas); index += 1) {
    const port = await freePort();
    // The bus port is named: the default (port + 10000) may not exist or be taken.
    const busPort = await freePort();
    nodes.push(
      await startRedisNode(
        dir,
        port,
        [
          'cluster-enabled yes',
          `cluster-config-file nodes-${port}.conf`,
          `cluster-port ${busPort}`,
          `cluster-node-timeout ${NODE_TIMEOUT_MS}`,
          'maxmemory-policy noeviction',
          ...(tls ? ['tls-cluster yes', 'tls-replication yes'] : []),
        ],
        tls ? { tls } : {},
      ),
    );
  }
  const addresses = nodes.map((node) => `127.0.0.1:${node.port}`);
  await redisCli(
    nodes[0]!.port,
    '--cluster',
    'create',
    ...addresses,
    '--cluster-replicas',
    String(replicas),
    '--cluster-yes',
  );
  const clusterOk = (port: number) => async () =>
    (await redisCli(port, 'cluster', 'info')).includes('cluster_state:ok');
  for (const node of nodes) await pollUntil(clusterOk(node.port), 20_000, `cluster state ok on ${node.port}`);
  for (const node of nodes)
    if ((await redisCli(node.port, 'role')).startsWith('slave')) await replicaInSync(node.port);

  /** The port of the master serving `slot`, as a live node sees it. */
  async function masterOfSlot(slot: number): Promise<number | undefined> {
    const alive = nodes.find((node) => node.running());
    if (!alive) return undefined;
    for (const line of (await redisCli(alive.port, 'cluster', 'nodes')).split('\n')) {
      const [, address = '', flags = '', , , , , , ...ranges] = line.split(' ');
      if (!flags.includes('master') || flags.includes('fail')) continue;
      const covers = ranges.some((range) => {
        const [from, to = from] = range.split('-').map(Number);
        return from !== undefined && to !== undefined && slot >= from && slot <= to;
      });
      if (covers) return Number(address.split('@')[0]?.split(':')[1]);
    }
    return undefined;
  }

  return {
    seeds: addresses.join(','),
    ...(tls ? { caFile: tls.caFile } : {}),
    async killMasterOf(key) {
      const slot = Number((await redisCli(nodes[0]!.port, 'cluster', 'keyslot', key)).trim());
      const port = await masterOfSlot(slot);
      const victim = nodes.find((node) => node.port === port);
      if (!victim) throw new Error(`no live master serves slot ${slot}`);
      const killedAt = Date.now();
      await victim.kill();
      await pollUntil(
        async () => {
          const next = await masterOfSlot(slot);
          return next !== undefined && next !== port && (await clusterOk(next)());
        },
        30_000,
        `a replica promoted for slot ${slot}`,
      );
      return { port: victim.port, recoveredMs: Date.now() - killedAt };
    },
    async destroy() {
      for (const node of nodes) await node.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
