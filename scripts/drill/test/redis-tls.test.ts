/**
 * gpuq on TLS-only Redis: a single node reached through `rediss://`, a three-master Cluster
 * through REDIS_TLS and a Sentinel set-up through REDIS_TLS and REDIS_SENTINEL_TLS, all with
 * certificates from a throwaway CA given as REDIS_TLS_CA_FILE. The api, the rate limiter,
 * cancellation, Bull Board and both worker fleets connect over TLS; a client that does not trust
 * the CA is refused by the TLS handshake. The Sentinel set-up's master is killed mid-run: every
 * client finds the promoted replica through the sentinels and reconnects to it over TLS, with no
 * job lost and no credit charged twice.
 */
import type { RedisTopology } from '@gpuq/config';
import { createRedis } from '@gpuq/queue';
import { startPrivateRedis, startRedisCluster, startRedisSentinel } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Drill, DrillRedis } from '../src/drill.js';
import { expectAllJobTypesComplete, killMasterMidRun } from './topology-checks.js';
import { expectRedisFeaturesWork } from './topology-features.js';
import { startTopologyDrill, type TopologyUnderTest } from './topology-suite.js';

/** The first error a client meets connecting to `topology`: the node's own, for a Cluster. */
function firstConnectionError(topology: RedisTopology): Promise<NodeJS.ErrnoException> {
  const client = createRedis({ topology, role: 'producer', name: 'test:untrusting' });
  // ioredis handles only the first error of a socket (`once`), and a refused handshake can raise
  // two: the certificate check, then the server's alert. The second would end the test run as an
  // uncaught exception, so every socket that failed is given a listener for the rest.
  const quietFailedSockets = () => {
    const sockets = 'nodes' in client ? client.nodes().map((node) => node.stream) : [client.stream];
    for (const socket of sockets) socket?.on('error', () => undefined);
  };
  client.on('error', quietFailedSockets);
  client.on('node error', quietFailedSockets);
  return new Promise<NodeJS.ErrnoException>((resolve) => {
    // A Cluster's own 'error' only says the slots could not be loaded; the node's says why.
    client.once(topology.kind === 'cluster' ? 'node error' : 'error', resolve);
  }).finally(() => client.disconnect());
}

function describeTlsRedis<Redis extends DrillRedis>(
  name: string,
  start: TopologyUnderTest<Redis>['start'],
  killMaster?: TopologyUnderTest<Redis>['killMaster'],
): void {
  describe(name, () => {
    let drill: Drill<Redis>;

    beforeAll(async () => {
      drill = await startTopologyDrill(name, start);
    }, 120_000);

    afterAll(async () => {
      await drill?.close();
    });

    it('runs all ten job types end to end over TLS', async () => {
      await expectAllJobTypesComplete(drill);
    }, 120_000);

    it('serves readiness, Bull Board, rate limits and cancellations over TLS', async () => {
      await expectRedisFeaturesWork(drill);
    }, 60_000);

    it('refuses a client that does not trust the CA', async () => {
      const trusted = drill.api.env.redis;
      expect(trusted.tls?.ca).toContain('-----BEGIN CERTIFICATE-----');
      const { ca: _ca, ...untrusting } = trusted.tls ?? {};
      const error = await firstConnectionError({ ...trusted, tls: untrusting });
      // Node's own verdict on a certificate signed by an unknown CA.
      expect(error.code).toBe('SELF_SIGNED_CERT_IN_CHAIN');
      expect(error.message).toMatch(/self[- ]signed certificate in certificate chain/);
    }, 30_000);

    it.runIf(killMaster)(
      'loses no job and charges no credit twice when the master is killed mid-run',
      async () => {
        const report = await killMasterMidRun(drill, () => killMaster!(drill));
        console.info(`${name} failover: ${JSON.stringify(report)}`);
        expect(report).toMatchObject({ lost: 0, duplicated: 0, ledgerMismatches: 0 });
      },
      180_000,
    );
  });
}

describeTlsRedis('TLS single node', async () => {
  const redis = await startPrivateRedis({ tls: true });
  expect(redis.url).toMatch(/^rediss:\/\//);
  return { redis, settings: { REDIS_URL: redis.url, REDIS_TLS_CA_FILE: redis.caFile ?? '' } };
});

describeTlsRedis('TLS Redis Cluster', async () => {
  const redis = await startRedisCluster({ tls: true, replicasPerMaster: 0 });
  return {
    redis,
    settings: { REDIS_CLUSTER_NODES: redis.seeds, REDIS_TLS: 'true', REDIS_TLS_CA_FILE: redis.caFile ?? '' },
  };
});

describeTlsRedis(
  'TLS Redis Sentinel',
  async () => {
    const redis = await startRedisSentinel({ tls: true });
    return {
      redis,
      settings: {
        REDIS_SENTINELS: redis.sentinels,
        REDIS_SENTINEL_MASTER: redis.masterName,
        REDIS_TLS: 'true',
        REDIS_SENTINEL_TLS: 'true',
        REDIS_TLS_CA_FILE: redis.caFile ?? '',
      },
    };
  },
  (drill) => drill.redis.killMaster(),
);
