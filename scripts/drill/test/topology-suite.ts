/**
 * The suite every Redis topology runs: a drill (real api, Postgres, one synthetic worker per
 * fleet) on the topology, all ten job types, the other Redis users, then its master killed.
 */
import { uniqueQueuePrefix } from '@gpuq/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Drill, type DrillRedis } from '../src/drill.js';
import { expectAllJobTypesComplete, killMasterMidRun, startFleets } from './topology-checks.js';
import {
  expectDeadLettersClosed,
  expectRedisFeaturesWork,
  expectRunningJobCancelled,
  OPERATOR,
} from './topology-features.js';

export interface TopologyUnderTest<Redis extends DrillRedis> {
  /** Starts the topology; `settings` are the REDIS_* variables that reach it. */
  start(): Promise<{ redis: Redis; settings: Record<string, string> }>;
  /** Kills the master the queue is on; resolves once a new one serves. */
  killMaster(drill: Drill<Redis>): Promise<{ recoveredMs: number }>;
}

/**
 * A drill (api with Bull Board's operator, one synthetic worker per fleet) on a topology started
 * for it; the topology is stopped again when the api does not come up.
 */
export async function startTopologyDrill<Redis extends DrillRedis>(
  name: string,
  start: TopologyUnderTest<Redis>['start'],
): Promise<Drill<Redis>> {
  const { redis, settings } = await start();
  const drill = await Drill.startOn(redis, {
    ...settings,
    ...OPERATOR,
    QUEUE_PREFIX: uniqueQueuePrefix(name.toLowerCase().replace(/\W+/g, '-')),
  }).catch(async (error: unknown) => {
    await redis.destroy();
    throw error;
  });
  await startFleets(drill);
  return drill;
}

export function describeRedisTopology<Redis extends DrillRedis>(
  name: string,
  topology: TopologyUnderTest<Redis>,
): void {
  let drill: Drill<Redis>;

  beforeAll(async () => {
    drill = await startTopologyDrill(name, topology.start);
  }, 120_000);

  afterAll(async () => {
    await drill?.close();
  });

  describe(name, () => {
    it('runs all ten job types end to end', async () => {
      await expectAllJobTypesComplete(drill);
    }, 120_000);

    it('serves readiness, Bull Board, rate limits and cancellations from it', async () => {
      await expectRedisFeaturesWork(drill);
    });

    it('loses no job and charges no credit twice when the queue’s master is killed mid-run', async () => {
      const report = await killMasterMidRun(drill, () => topology.killMaster(drill));
      console.info(`${name} failover: ${JSON.stringify(report)}`);
      expect(report).toMatchObject({ lost: 0, duplicated: 0, ledgerMismatches: 0 });
    }, 180_000);

    it('cancels a running job on its worker, after the failover', async () => {
      await expectRunningJobCancelled(drill);
    }, 60_000);

    it('fails and refunds a job that died in the queue, after the failover', async () => {
      await expectDeadLettersClosed(drill);
    }, 60_000);
  });
}
