/**
 * gpuq on a real Redis Sentinel set-up (a master, two replicas, three sentinels): the api, the
 * rate limiter, cancellation and both worker fleets find the master through REDIS_SENTINELS;
 * the master killed mid-run is replaced by a promoted replica with no job lost and no credit
 * charged twice.
 */
import { startRedisSentinel } from '@gpuq/testing';
import { describeRedisTopology } from './topology-suite.js';

describeRedisTopology('Redis Sentinel', {
  async start() {
    const redis = await startRedisSentinel();
    return {
      redis,
      settings: { REDIS_SENTINELS: redis.sentinels, REDIS_SENTINEL_MASTER: redis.masterName },
    };
  },
  killMaster: (drill) => drill.redis.killMaster(),
});
