/**
 * gpuq on a real Redis Cluster (three masters, one replica each): the api, the rate limiter,
 * cancellation and both worker fleets connect through REDIS_CLUSTER_NODES with the queue keys
 * under one hash tag; a master killed mid-run is replaced by its replica with no job lost and no
 * credit charged twice.
 */
import { type PrivateRedisCluster, startRedisCluster, uniqueQueuePrefix } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Drill } from '../src/drill.js';
import { expectAllJobTypesComplete, killMasterMidRun, startFleets } from './topology-checks.js';
import { expectRedisFeaturesWork, OPERATOR } from './topology-features.js';

let drill: Drill<PrivateRedisCluster>;

beforeAll(async () => {
  const cluster = await startRedisCluster();
  drill = await Drill.startOn(cluster, {
    REDIS_CLUSTER_NODES: cluster.seeds,
    ...OPERATOR,
    QUEUE_PREFIX: uniqueQueuePrefix('cluster'),
  }).catch(async (error: unknown) => {
    await cluster.destroy();
    throw error;
  });
  await startFleets(drill);
}, 120_000);

afterAll(async () => {
  await drill?.close();
});

describe('Redis Cluster', () => {
  it('runs all ten job types end to end', async () => {
    await expectAllJobTypesComplete(drill);
  }, 120_000);

  it('serves readiness, Bull Board, rate limits and cancellations from it', async () => {
    await expectRedisFeaturesWork(drill);
  });

  it('loses no job and charges no credit twice when the queue’s master is killed mid-run', async () => {
    const report = await killMasterMidRun(drill, () => drill.redis.killMasterOf(drill.api.env.QUEUE_PREFIX));
    console.info(`Redis Cluster failover: ${JSON.stringify(report)}`);
    expect(report).toMatchObject({ lost: 0, duplicated: 0, ledgerMismatches: 0 });
  }, 180_000);
});
