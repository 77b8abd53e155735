/**
 * gpuq on a real Redis Sentinel set-up (a master, two replicas, three sentinels): the api, the
 * rate limiter, cancellation and both worker fleets find the master through REDIS_SENTINELS;
 * a master killed mid-run is replaced by a promoted replica with no job lost and no credit
 * charged twice.
 */
import { type PrivateRedisSentinel, startRedisSentinel, uniqueQueuePrefix } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Drill } from '../src/drill.js';
import { expectAllJobTypesComplete, killMasterMidRun, startFleets } from './topology-checks.js';
import { expectRedisFeaturesWork, OPERATOR } from './topology-features.js';

let drill: Drill<PrivateRedisSentinel>;

beforeAll(async () => {
  const sentinel = await startRedisSentinel();
  drill = await Drill.startOn(sentinel, {
    REDIS_SENTINELS: sentinel.sentinels,
    REDIS_SENTINEL_MASTER: sentinel.masterName,
    ...OPERATOR,
    QUEUE_PREFIX: uniqueQueuePrefix('sentinel'),
  }).catch(async (error: unknown) => {
    await sentinel.destroy();
    throw error;
  });
  await startFleets(drill);
}, 120_000);

afterAll(async () => {
  await drill?.close();
});

describe('Redis Sentinel', () => {
  it('runs all ten job types end to end', async () => {
    await expectAllJobTypesComplete(drill);
  }, 120_000);

  it('serves readiness, Bull Board, rate limits and cancellations from it', async () => {
    await expectRedisFeaturesWork(drill);
  });

  it('loses no job and charges no credit twice when the master is killed mid-run', async () => {
    const report = await killMasterMidRun(drill, () => drill.redis.killMaster());
    console.info(`Redis Sentinel failover: ${JSON.stringify(report)}`);
    expect(report).toMatchObject({ lost: 0, duplicated: 0, ledgerMismatches: 0 });
  }, 180_000);
});
